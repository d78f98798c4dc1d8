"""Scopes for tests, issued the way data_access.access.roles issues them for a reader."""

from __future__ import annotations

from data_access.access.scope import Scope, _issue


def everything() -> Scope:
    """Every region in detail (a beheerder's scope)."""
    return _issue(None)


def regions(*codes: str) -> Scope:
    """These regions in detail, the others aggregated (none: a publication's scope)."""
    return _issue(frozenset(codes))
