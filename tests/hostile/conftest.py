"""Hostile-input tests reuse the page fixtures: the real pages on a small real demo store."""

from tests.pages.conftest import demo_settings, open_page

__all__ = ["demo_settings", "open_page"]
