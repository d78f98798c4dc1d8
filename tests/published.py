"""Publishing views in tests the way a page does: through the one boundary, for a scope."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from data_access.access.scope import Scope
from reports.publish.boundary import (
    PublishedChart,
    PublishedTable,
    PublishedView,
    Thresholds,
    publish,
)
from reports.publish.spec import View
from reports.publish.text import display
from tests import scopes


def shown(view: View, scope: Scope | None = None) -> PublishedView:
    """`view` published for `scope` (default: every region in detail)."""
    return publish(view, scope if scope is not None else scopes.everything(), Thresholds())


def table(view: PublishedView, name: str | None = None) -> PublishedTable:
    """The view's table called `name` (its stable file name), or its main table."""
    if name is None:
        assert view.main is not None, "the view has no main table"
        return view.main
    tables = {t.name: t for t in view.tables()}
    assert name in tables, f"no table {name!r}; there are {sorted(tables)}"
    return tables[name]


def values(view: PublishedView, name: str | None = None) -> pl.DataFrame:
    """The published values of a table (hidden cells null)."""
    return table(view, name).values


def text(view: PublishedView, name: str | None = None) -> pl.DataFrame:
    """A table as a reader sees it: Dutch headers, nl-BE text and symbols."""
    return display(table(view, name))


def charts(view: PublishedView) -> dict[str, go.Figure]:
    """Every chart of the view by its title."""
    return {
        block.title: block.figure
        for section in view.sections
        for block in section.blocks
        if isinstance(block, PublishedChart)
    }
