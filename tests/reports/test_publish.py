"""The publishing boundary on hand-built tables: what each kind of cell becomes for a scope."""

from __future__ import annotations

import polars as pl
import pytest

from reports.publish.boundary import (
    DisclosureError,
    PublishedTable,
    Thresholds,
    publish,
    publish_table,
)
from reports.publish.cells import (
    Count,
    Difference,
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
from reports.publish.text import display, to_csv
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
    table = _published(("OWN",), totals=Totals("Totaal"))
    total = table.values.row(0, named=True)
    assert total["region_code"] == "Totaal"
    assert total["tijdig"] == 3 + 7 + 38
    assert total["fte"] == 14.0
    only_small = publish_table(
        TableSpec(FRAME.filter(pl.col("region_code") == "AAA"), CELLS, "T", totals=Totals("Σ")),
        scopes.regions("OWN"),
        THRESHOLDS,
    )
    assert display(only_small)["Laat"].to_list() == ["<5", "<5"]


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
