"""`1g1p indicator` writes exactly the table the page shows, and filters never re-read the store."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest
from sqlalchemy import event
from typer.testing import CliRunner

from cli import app as cli_app
from data_access.settings import Settings, get_settings
from indicators.periods import add_months, month_start
from tests.pages.conftest import PageOpener, forget_the_store, shown_tables
from ui.render import PAGE_ROWS

PAGES = ["intakes", "response_time", "referrers", "volume", "staffing", "reach"]


def _cli_table(settings: Settings, name: str) -> pl.DataFrame:
    last = add_months(month_start(date.today()), -1)
    first = add_months(last, -11)  # the page's default: the last 12 full months
    get_settings.cache_clear()
    result = CliRunner().invoke(
        cli_app,
        [
            "indicator",
            name,
            "--from",
            first.strftime("%Y-%m"),
            "--to",
            last.strftime("%Y-%m"),
            "--format",
            "csv",
        ],
        env={"MONITOR_DATA_DIR": str(settings.data_dir), "DATABASE_URL": settings.url},
    )
    assert result.exit_code == 0, result.output
    text = result.stdout.lstrip("\ufeff")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return pl.read_csv(io.StringIO(body), separator=";", infer_schema=False)


@pytest.mark.usefixtures("unpaged")
@pytest.mark.parametrize("name", PAGES)
def test_the_cli_table_equals_the_page_table(
    open_page: PageOpener, demo_settings: Settings, name: str
) -> None:
    """For the same selection the CLI's CSV holds the same header and cells as the page."""
    cli = _cli_table(demo_settings, name)
    at = open_page(name)
    shown = [pl.from_pandas(frame).cast(pl.String) for frame in shown_tables(at)]
    same_header = [frame for frame in shown if frame.columns == cli.columns]
    assert same_header, f"no table on the page has the CLI header {cli.columns}"
    assert same_header[0].fill_null("").equals(cli.fill_null(""))
    assert cli.height > 0


def test_a_long_table_shows_the_cli_table_a_page_at_a_time(
    open_page: PageOpener, demo_settings: Settings
) -> None:
    """A table longer than 25 rows shows its first 25, and the pager above it offers the rest
    as "26–50 van N"; the second page holds the CLI's next 25 rows."""
    cli = _cli_table(demo_settings, "intakes")
    assert cli.height > 2 * PAGE_ROWS
    at = open_page("intakes")

    def shown() -> pl.DataFrame:
        frames = [pl.from_pandas(frame).cast(pl.String) for frame in shown_tables(at)]
        return next(frame for frame in frames if frame.columns == cli.columns)

    assert shown().fill_null("").equals(cli.head(PAGE_ROWS).fill_null(""))
    pager = next(box for box in at.selectbox if box.label == "Rijen")
    assert pager.format_func(1) == f"26–50 van {cli.height}"
    pager.set_value(1).run()
    assert shown().fill_null("").equals(cli.slice(PAGE_ROWS, PAGE_ROWS).fill_null(""))


def test_changing_a_filter_never_reads_registrations_again(open_page: PageOpener) -> None:
    """After the first load a filter change is served from the cache keyed on the data version."""
    from ui import store

    forget_the_store()  # the first load happens here, not in a test before
    at = open_page("intakes")
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(store.engine(), "before_cursor_execute", record)
    try:
        at.multiselect(key="regios").set_value(["KON"]).run()
        at.button_group(key="per").set_value("quarter").run()
        at.radio(key="basis").set_value("then").run()
    finally:
        event.remove(store.engine(), "before_cursor_execute", record)
    assert not at.exception
    assert statements, "the data version is still checked on every rerun"
    assert not [s for s in statements if "FROM registration" in s]
