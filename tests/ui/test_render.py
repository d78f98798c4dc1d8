"""Text in a table is shown as written: st.table reads Markdown, so the page escapes it.

How Chromium renders the escaped text is tested in tests/browser/test_hostile.py; here, that
the escaping loses nothing and leaves no markup character bare."""

from __future__ import annotations

import re

import pytest

from tests.pages.conftest import as_written
from ui.render import markdown_literal

HOSTILE = [
    "a*b*c",
    "_x_y_",
    "**vet**",
    "~~weg~~",
    "`code`",
    "[klik](http://x.be)",
    "http://x.be/pad",
    "<https://x.be>",
    "www.x.be",
    "mail a@x.be",
    "<b>vet</b><!-- c -->",
    "R&D &amp; co",
    ":smile: :red[rood] :material/home:",
    "$x^2$",
    "x|y",
    "\\pad",
    "# kop",
    "> citaat",
    "- punt",
    "+ punt",
    "12. item",
    "3) item",
    "regel\neen\r\ntwee",
]
PLAIN = ["1.234", "208,79", "<5", "–", "+3,2 %", "-3", "Team 10 VTE: 1 coördinatie", "2026 K3"]
_BARE = re.compile(r"(?<!\\)[*_\[\]`~|$@]")


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_escaped_and_loses_nothing(text: str) -> None:
    escaped = markdown_literal(text)
    assert as_written(escaped) == " ".join(text.splitlines())
    assert not _BARE.search(escaped)
    assert "\n" not in escaped and not re.match(r"\s*(#|>|[-+]\s|\d+[.)]\s)", escaped)


@pytest.mark.parametrize("text", PLAIN)
def test_figures_and_plain_text_are_left_as_they_are(text: str) -> None:
    assert markdown_literal(text) == text
