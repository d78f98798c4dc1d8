"""Which regions a reader sees in detail, and the refusal when a reader asks for more."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Scope:
    """Which regions a reader may see in detail; None means every region."""

    detail_regions: frozenset[str] | None = None

    @classmethod
    def everything(cls) -> Scope:
        return cls(None)

    @classmethod
    def regions(cls, *codes: str) -> Scope:
        return cls(frozenset(codes))

    def allows(self, region_code: str | None) -> bool:
        return self.detail_regions is None or region_code in self.detail_regions

    def filter(self, frame: pl.LazyFrame, column: str = "region_code") -> pl.LazyFrame:
        """Keep the rows of regions in scope."""
        if self.detail_regions is None:
            return frame
        return frame.filter(pl.col(column).is_in(sorted(self.detail_regions)))


class AccessError(ValueError):
    """A user or role change that cannot be made; the message is Dutch."""
