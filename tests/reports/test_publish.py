"""The publishing boundary on hand-built tables: what each kind of cell becomes for a scope."""

from __future__ import annotations

import io

import openpyxl
import polars as pl
import pytest

from reports.publish.boundary import (
    MISSING,
    PROVISIONAL,
    DisclosureError,
    PublishedTable,
    Thresholds,
    publish,
    publish_table,
)
from reports.publish.cells import (
    Count,
    Difference,
    Flag,
    Histogram,
    Measure,
    PerUnit,
    Quantile,
    Rank,
    Rate,
    Share,
    Text,
)
from reports.publish.spec import ChartSpec, Section, TableSpec, Totals, View
from reports.publish.text import PERTURBED, display, legend_of, to_csv, to_xlsx
from tests import scopes

REGION = Text("region_code", "Regio", "region")
THRESHOLDS = Thresholds()

# Own region OWN and two others; every count carries its perturbation (`__noise`).
FRAME = pl.DataFrame(
    {
        "region_code": ["OWN", "AAA", "BBB"],
        "tijdig": [3, 7, 40],
        "tijdig__noise": [1, 0, -2],
        "laat": [2, 2, 10],
        "laat__noise": [0, 1, 1],
        "fte": [2.0, 4.0, 8.0],
    }
)
CELLS = (
    REGION,
    Count("tijdig", "Tijdig"),
    Count("laat", "Laat"),
    Rate("rate", "Tijdig (%)", numerator=("tijdig",), denominator=("tijdig", "laat")),
    PerUnit("per_fte", "Tijdig per VTE", count="tijdig", unit="fte"),
    Rank("rank", "Rang", of="rate"),
    Measure("fte", "VTE", "dec1", additive=True),
)


def _published(scope_regions: tuple[str, ...] | None, **spec: object) -> PublishedTable:
    scope = scopes.everything() if scope_regions is None else scopes.regions(*scope_regions)
    return publish_table(
        TableSpec(FRAME, CELLS, "Tabel", **spec),  # type: ignore[arg-type]
        scope,
        THRESHOLDS,
    )


def _row(table: PublishedTable, region: str) -> dict[str, str]:
    shown = display(table)
    names = table.values["region_code"].to_list()
    return shown.row(names.index(region), named=True)


def test_a_beheerder_sees_every_count_exactly() -> None:
    """With every region in detail nothing is perturbed or hidden."""
    table = _published(None)
    assert table.values["tijdig"].to_list() == [3, 7, 40]
    assert table.markers.null_count().sum_horizontal().item() == table.markers.width * 3
    assert not table.perturbed


def test_other_regions_are_perturbed_and_small_counts_hidden() -> None:
    """A stuurgroep sees its own counts exactly; another region's counts with their
    perturbation, and a published 1–4 as '<5' with its value gone."""
    table = _published(("OWN",))
    assert table.perturbed
    own, aaa, bbb = (_row(table, r) for r in ("OWN", "AAA", "BBB"))
    assert (own["Tijdig"], own["Laat"]) == ("3", "2")
    assert aaa["Tijdig"] == "7" and aaa["Laat"] == "<5"  # 2 + 1 = 3 is published as '<5'
    assert bbb["Tijdig"] == "38" and bbb["Laat"] == "11"
    assert table.values.filter(pl.col("region_code") == "AAA")["laat"].item() is None


def test_a_rate_is_computed_from_published_counts_and_hidden_with_any_of_them() -> None:
    """The rate of another region is the published tijdig over the published total; with a
    hidden part in its denominator it is 'x' (7 tijdig at 70 % would give laat 3); on fewer
    than 10 it is 'n<10'; the own region's small base is shown."""
    table = _published(("OWN",))
    assert _row(table, "OWN")["Tijdig (%)"] == "60,0%"
    assert _row(table, "AAA")["Tijdig (%)"] == "x"
    assert _row(table, "BBB")["Tijdig (%)"] == "77,6%"  # 38 / (38 + 11)
    small = publish_table(
        TableSpec(FRAME.with_columns(laat=pl.lit(0), laat__noise=pl.lit(0)), CELLS, "Tabel"),
        scopes.regions("OWN"),
        THRESHOLDS,
    )
    assert _row(small, "AAA")["Tijdig (%)"] == "n<10"  # 7 / 7: a base under 10


def test_ranks_rank_only_shown_figures() -> None:
    """A hidden rate has no rank, so a shared first place never tells a hidden 100 %."""
    table = _published(("OWN",))
    ranks = dict(zip(table.values["region_code"], table.values["rank"], strict=True))
    assert ranks == {"OWN": 2, "AAA": None, "BBB": 1}
    assert _row(table, "AAA")["Rang"] == "x"


def test_a_figure_per_unit_hides_with_its_count() -> None:
    """Per FTE from the published count; none where the count is hidden."""
    spec = TableSpec(
        FRAME.with_columns(tijdig__noise=pl.Series([0, -4, 0])),
        CELLS,
        "Tabel",
    )
    table = publish_table(spec, scopes.regions("OWN"), THRESHOLDS)
    assert _row(table, "AAA")["Tijdig"] == "<5"
    assert _row(table, "AAA")["Tijdig per VTE"] == "x"
    assert _row(table, "BBB")["Tijdig per VTE"] == "5,00"


def test_totals_add_the_published_rows_and_keep_the_small_count_rule() -> None:
    """A total row sums the published counts (so it never says more than its rows) and is
    itself controlled: a total over one hidden count is hidden too."""
    table = _published(("OWN",), totals=(Totals("Totaal"),))
    total = table.values.row(0, named=True)
    assert total["region_code"] == "Totaal"
    assert total["tijdig"] == 3 + 7 + 38
    assert total["fte"] == 14.0
    only_small = publish_table(
        TableSpec(FRAME.filter(pl.col("region_code") == "AAA"), CELLS, "T", totals=(Totals("Σ"),)),
        scopes.regions("OWN"),
        THRESHOLDS,
    )
    assert display(only_small)["Laat"].to_list() == ["<5", "<5"]


def test_a_flemish_total_beside_a_selected_total_sums_every_row_once() -> None:
    """The chosen rows' total sums the listed rows; Flanders sums every row, listed or not,
    never the other total; both totals are listed, the unlisted row is not."""
    spec = TableSpec(
        FRAME.with_columns(visible=pl.col("region_code") != "BBB"),
        CELLS,
        "T",
        totals=(Totals("Σ", over="visible"), Totals("VL", first=False)),
        visible="visible",
    )
    table = publish_table(spec, scopes.regions("OWN"), THRESHOLDS)
    listed = table.values[table.listed()["_row"]]
    assert listed["region_code"].to_list() == ["Σ", "OWN", "AAA", "VL"]
    tijdig = dict(zip(listed["region_code"], listed["tijdig"], strict=True))
    # OWN exact (3), AAA 7 + 0, BBB 40 - 2, all as published to the reader.
    assert tijdig["Σ"] == 3 + 7
    assert tijdig["VL"] == 3 + 7 + 38
    assert display(table)["Regio"].to_list()[-1] == "VL"


def test_a_difference_is_hidden_when_either_side_is() -> None:
    """A change against a hidden previous count is not shown."""
    frame = pl.DataFrame(
        {
            "region_code": ["AAA", "BBB"],
            "now": [20, 20],
            "now__noise": [0, 0],
            "before": [3, 12],
            "before__noise": [0, 0],
        }
    )
    cells = (
        REGION,
        Count("now", "Nu"),
        Count("before", "Vorige"),
        Difference("delta", "Verschil", "int", of="now", against="before"),
    )
    table = publish_table(TableSpec(frame, cells, "T"), scopes.regions(), THRESHOLDS)
    assert display(table)["Verschil"].to_list() == ["x", "8"]


def test_shares_come_from_the_published_counts_of_their_group() -> None:
    """A share is its published count over its group's published counts."""
    frame = pl.DataFrame(
        {
            "region_code": ["AAA", "AAA", "AAA"],
            "group": ["a", "b", "c"],
            "n": [30, 10, 2],
            "n__noise": [0, 0, 1],
        }
    )
    cells = (
        REGION,
        Text("group", "Groep"),
        Count("n", "Aantal"),
        Share("share", "Aandeel", count="n", within=("region_code",)),
    )
    table = publish_table(TableSpec(frame, cells, "T"), scopes.regions(), THRESHOLDS)
    assert display(table)["Aandeel"].to_list() == ["69,8%", "23,3%", "x"]


def test_a_quantile_outside_detail_comes_from_the_perturbed_histogram() -> None:
    """The median of another region is read from its published histogram, and not shown on
    fewer than 10; the own region keeps its exact median."""
    frame = pl.DataFrame(
        {
            "region_code": ["OWN", "AAA", "BBB"],
            "days": [[0, 5, 5], [0, 2, 2], [10, 0, 10]],
            "days__noise": [[0, 0, 0], [0, 1, 0], [0, 0, 1]],
            "median": [1.5, 1.5, 1.0],
        },
        schema_overrides={"days": pl.List(pl.Int64), "days__noise": pl.List(pl.Int64)},
    )
    cells = (REGION, Quantile("median", "Mediaan", histogram="days"))
    table = publish_table(
        TableSpec(frame, cells, "T", inputs=(Histogram("days", "Dagen"),)),
        scopes.regions("OWN"),
        THRESHOLDS,
    )
    assert display(table)["Mediaan"].to_list() == ["1,5", "n<10", "2,0"]


def test_a_count_without_its_perturbation_is_refused() -> None:
    """A view that forgot a count's perturbation gets an error, never an exact figure."""
    with pytest.raises(DisclosureError):
        publish_table(
            TableSpec(FRAME.drop("laat__noise"), CELLS, "T"), scopes.regions("OWN"), THRESHOLDS
        )


def test_a_list_of_registrations_keeps_the_detail_regions_only() -> None:
    """`records`: rows of other regions never leave, whatever the table holds."""
    table = _published(("OWN",), records=True)
    assert table.values["region_code"].to_list() == ["OWN"]


def test_charts_draw_from_the_published_table_and_nothing_else() -> None:
    """The chart's drawing function receives the published table: hidden values are null."""
    seen: list[PublishedTable] = []

    def draw(table: PublishedTable) -> None:
        seen.append(table)

    spec = TableSpec(FRAME, CELLS, "T")
    view = View("V", (Section("", (ChartSpec(spec, draw, "Grafiek"), spec)),), main=spec)
    published = publish(view, scopes.regions("OWN"), THRESHOLDS)
    assert seen and seen[0] is published.main
    assert seen[0].values.filter(pl.col("region_code") == "AAA")["laat"].item() is None


def test_published_types_cannot_be_made_outside_the_boundary() -> None:
    """A page cannot dress up its own frame as published."""
    with pytest.raises(TypeError):
        PublishedTable(FRAME, FRAME, CELLS, "T", (), {}, "t", None, False, None, (), object())


def test_csv_says_what_the_symbols_mean() -> None:
    """The download carries the legend of the symbols it uses."""
    text = to_csv(_published(("OWN",))).decode("utf-8")
    assert "'<5': een aantal van 1 tot 4" in text
    assert "'x': afgeleid van een niet getoond aantal" in text


def test_the_symbols_follow_the_configured_thresholds() -> None:
    """With MONITOR_MIN_COUNT 10 a published 7 is '<10', never '<5' (which would say it is
    below five), and the legend says 1 to 9; with MONITOR_MIN_DENOMINATOR 60 a rate on 49
    is 'n<60'."""
    strict = Thresholds(min_count=10, min_denominator=60)
    table = publish_table(TableSpec(FRAME, CELLS, "Tabel"), scopes.regions("OWN"), strict)
    assert _row(table, "AAA")["Tijdig"] == "<10"
    assert _row(table, "BBB")["Tijdig (%)"] == "n<60"  # 38 + 11 published
    lines = legend_of(table)
    assert "'<10': een aantal van 1 tot 9 buiten je eigen regio('s): niet getoond" in lines
    assert any(
        line.startswith("'n<60': een percentage of gemiddelde op minder dan 60") for line in lines
    )
    assert not any(line.startswith("'<5'") for line in lines)


def test_a_share_or_rate_never_shows_the_small_count_symbol() -> None:
    """A percentage column hides with its own symbol ('x' or 'n<10'): '<5' there would read
    as 'under 5 %'."""
    frame = pl.DataFrame(
        {
            "region_code": ["AAA", "AAA", "BBB", "BBB"],
            "group": ["a", "b", "a", "b"],
            "n": [3, 40, 2, 3],
            "n__noise": [0, 0, 0, 0],
            "total": [43, 43, 5, 5],
            "total__noise": [0, 0, 0, 0],
        }
    )
    cells = (
        REGION,
        Text("group", "Groep"),
        Count("n", "Aantal"),
        Share("share", "Aandeel", count="n", within=("region_code",)),
        Rate("rate", "Percentage", numerator=("n",), denominator=("total",)),
        Difference("points", "Verschil", "points", of="share", against="rate"),
    )
    shown = display(publish_table(TableSpec(frame, cells, "T"), scopes.regions(), THRESHOLDS))
    for column in ("Aandeel", "Percentage", "Verschil"):
        assert "<5" not in shown[column].to_list(), column
    assert shown["Aandeel"].to_list() == ["x", "93,0%", "x", "x"]
    assert shown["Percentage"].to_list() == ["x", "93,0%", "x", "x"]


def test_a_cell_without_value_is_explained_as_missing_never_zero() -> None:
    """'–' where a figure is unknown, with its legend line; a table without one has none."""
    unknown = FRAME.with_columns(laat=pl.Series([2, None, 10]), laat__noise=pl.Series([0, None, 1]))
    table = publish_table(TableSpec(unknown, CELLS, "T"), scopes.everything(), THRESHOLDS)
    assert _row(table, "AAA")["Laat"] == MISSING
    assert MISSING in table.symbols
    assert any(line.startswith(f"'{MISSING}': geen cijfer") for line in legend_of(table))
    assert MISSING not in _published(None).symbols


@pytest.mark.parametrize("name", ["value", "variable", "_symbol", "_v_laat"])
def test_the_symbols_of_a_table_do_not_depend_on_its_column_names(name: str) -> None:
    """A column called as the frames the legend is read from are: the same symbols."""
    unknown = FRAME.with_columns(laat=pl.Series([2, None, 10]), laat__noise=pl.Series([0, None, 1]))

    def published(late: str) -> PublishedTable:
        cells = (
            REGION,
            Count("tijdig", "Tijdig"),
            Count(late, "Laat"),
            Rate("rate", "Tijdig (%)", numerator=("tijdig",), denominator=("tijdig", late)),
            Rank("rank", "Rang", of="rate"),
        )
        frame = unknown.rename({"laat": late, "laat__noise": f"{late}__noise"})
        return publish_table(TableSpec(frame, cells, "T"), scopes.regions("AAA"), THRESHOLDS)

    assert MISSING in published(name).symbols
    assert published(name).symbols == published("laat").symbols


def test_a_flag_marks_its_rows_and_keeps_its_value_for_charts() -> None:
    """A Flag shows its symbol where true and nothing elsewhere; the legend explains it, the
    CSV and the workbook carry it, a total row is marked when one of its rows is."""
    flagged = FRAME.with_columns(provisional=pl.Series([False, True, False]))
    cells = (*CELLS, Flag("provisional", "Status", symbol=PROVISIONAL))
    spec = TableSpec(flagged, cells, "T", totals=(Totals("Totaal"),))
    table = publish_table(spec, scopes.everything(), THRESHOLDS)
    assert display(table)["Status"].to_list() == [PROVISIONAL, "", PROVISIONAL, ""]
    assert table.values["provisional"].to_list() == [True, False, True, False]
    assert table.symbols == (MISSING, PROVISIONAL)  # a total row has no rank: "–"
    assert f"'{PROVISIONAL}': de termijn van één maand loopt nog" in to_csv(table).decode()
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(table))).active
    cells_text = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells_text.count(PROVISIONAL) == 2
    assert any(t.startswith(f"'{PROVISIONAL}': de termijn") for t in cells_text)


def test_exports_say_when_figures_are_perturbed() -> None:
    """A download of a table with other regions' perturbed figures says so, as the page
    does; a table of the reader's own regions only does not."""
    assert PERTURBED in to_csv(_published(("OWN",))).decode("utf-8")
    assert PERTURBED not in to_csv(_published(None)).decode("utf-8")


def test_no_percentage_of_any_view_reads_as_a_small_count() -> None:
    """Every indicator's view, published with no region in detail over small counts: no
    column of percentages, points or per-unit figures shows '<5' (it would read 'under 5
    %'); every symbol shown is in the legend."""
    import dataclasses
    from datetime import date

    from reports.publish.boundary import SMALL, explained
    from reports.registry import INDICATORS
    from reports.selection import Selection
    from tests.reports.views.frames import AUTUMN_TODAY, autumn_2026, hand_inputs, registrations

    small = [row for row in autumn_2026("R2") if row.get("first_contact_date")][:3]
    inputs = hand_inputs(registrations(*autumn_2026(), *small), today=AUTUMN_TODAY)
    reference = pl.DataFrame(
        schema={"network_name": pl.String, "fte_note": pl.String}
        | dict.fromkeys(
            ("fte_total", "fte_coordination", "fte_team", "fte_elp", "fte_other"), pl.Float64
        )
    )
    inputs = dataclasses.replace(inputs, network_reference=reference)
    selection = Selection(date(2026, 10, 1), date(2026, 11, 30))
    seen_small = False
    for spec in INDICATORS:
        view = publish(spec.build(inputs, selection), scopes.regions(), THRESHOLDS)
        for published in view.tables():
            for cell in published.cells:
                marks = set(published.markers[cell.key].drop_nulls().to_list())
                if isinstance(cell, Count):
                    seen_small |= SMALL in marks
                    continue
                assert SMALL not in marks, (spec.name, published.name, cell.label)
        for symbol in view.symbols:
            assert explained(symbol)
    assert seen_small, "the inputs should hide some count"
