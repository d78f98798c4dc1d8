"""Which regions a reader sees in detail, and the refusal when a reader asks for more.

A Scope cannot be made by anyone: data_access.access.roles issues it for a Reader it made
from a stored user (an OIDC e-mail, a demo user, or the CLI's --as), for the CLI's operator,
or for publication (no detail at all).
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass
from typing import Final

import polars as pl

_ISSUER: Final = object()


@dataclass(frozen=True)
class Scope:
    """Which regions a reader may see in detail; None means every region."""

    detail_regions: frozenset[str] | None
    issuer: InitVar[object] = None

    def __post_init__(self, issuer: object) -> None:
        if issuer is not _ISSUER:
            raise TypeError("A Scope is issued only by data_access.access.roles for a reader.")

    def allows(self, region_code: str | None) -> bool:
        return self.detail_regions is None or region_code in self.detail_regions

    def filter(self, frame: pl.LazyFrame, column: str = "region_code") -> pl.LazyFrame:
        """Keep the rows of regions in scope."""
        if self.detail_regions is None:
            return frame
        return frame.filter(pl.col(column).is_in(sorted(self.detail_regions)))


def _issue(detail_regions: frozenset[str] | None) -> Scope:
    """A scope, for data_access.access only (and the tests that stand in for it)."""
    return Scope(detail_regions, _ISSUER)


class AccessError(ValueError):
    """A user or role change that cannot be made; the message is Dutch."""
