"""The overview's key figures and changes on hand-built inputs with every kind of source."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from data_access.access.perturbation import RecordKeys
from data_access.store import schemas
from indicators.response_time import timeliness_by_region
from reports.inputs import Inputs
from reports.publish.boundary import PublishedMetrics, PublishedView, Tile
from reports.publish.cells import Difference, Measure
from reports.publish.spec import Metric, MetricsSpec, Section, TableSpec, View
from reports.selection import Selection
from reports.views.common import REGION
from reports.views.overview import TOTAL, compared, key_counts, overview_view
from tests import scopes
from tests.published import charts, shown, table, text, values

TODAY = date(2024, 6, 1)
# January–March 2024; the previous period is October–December 2023, last year January–March 2023.
PERIOD = Selection(date(2024, 1, 1), date(2024, 3, 31))

# fmt: off
_KEYS = ["id", "family_id", "region_code", "kind", "received_date", "first_contact_date", "closed_date", "referrer", "response_type", "closure_reason", "source_system"]
_ROWS = [
    # AAA (uniform format): the period
    (1, "F1", "AAA", "aanmelding", date(2024, 1, 31), date(2024, 2, 29), None, "CLB", "GEZINSPLAN", None, "uniform"),
    (2, "F1", "AAA", "aanmelding", date(2024, 1, 31), date(2024, 3, 1), None, "GV", "KORTDURENDE_BEGELEIDING", None, "uniform"),
    (3, "F2", "AAA", "aanmelding", date(2024, 2, 10), date(2024, 2, 12), None, "SDJ", "CONSULT", None, "uniform"),
    (4, "F3", "AAA", "aanmelding", date(2024, 3, 5), None, date(2024, 3, 20), "CAW", None, "CLIENT_HAAKT_AF", "uniform"),
    (5, "F4", "AAA", "consult", date(2024, 2, 1), None, None, None, None, None, "uniform"),
    # AAA: the previous period (2 intakes, 2 consults) and last year (1 intake)
    (6, "F5", "AAA", "aanmelding", date(2023, 11, 2), date(2023, 11, 3), None, "CLB", "GEZINSPLAN", None, "uniform"),
    (7, "F6", "AAA", "aanmelding", date(2023, 12, 2), date(2023, 12, 3), None, "CLB", "GEZINSPLAN", None, "uniform"),
    (8, "F7", "AAA", "consult", date(2023, 12, 4), None, None, None, None, None, "uniform"),
    (9, "F8", "AAA", "consult", date(2023, 12, 5), None, None, None, None, None, "uniform"),
    (10, "F9", "AAA", "aanmelding", date(2023, 2, 2), date(2023, 2, 3), None, "CLB", "GEZINSPLAN", None, "uniform"),
    # BBB (hand-kept spreadsheet: no consult questions), only in the period
    (11, "G1", "BBB", "aanmelding", date(2024, 2, 1), date(2024, 2, 5), None, "ONDERWIJS", "GEZINSPLAN", None, "spreadsheet"),
]
# fmt: on

# CCC reports monthly counts only.
_COUNTS = [
    ("CCC", date(2024, 1, 1), "intakes", 5),
    ("CCC", date(2024, 1, 1), "within_month", 4),
    ("CCC", date(2024, 1, 1), "referrer_group:BREDE_INSTAP", 3),
    ("CCC", date(2024, 1, 1), "referrer_group:GV", 2),
    ("CCC", date(2023, 12, 1), "intakes", 10),
    ("CCC", date(2023, 12, 1), "within_month", 5),
]


def _registrations() -> pl.DataFrame:
    frame = pl.DataFrame([dict(zip(_KEYS, row, strict=True)) for row in _ROWS])
    return frame.with_columns(
        source_system=pl.format("{}:{}", "source_system", "region_code"),
        source_record_id=pl.col("id").cast(pl.String),
        batch_id=pl.lit(1),
    ).select(
        pl.col(name).cast(dtype)
        if name in frame.columns or name in {"source_record_id", "batch_id"}
        else pl.lit(None, dtype).alias(name)
        for name, dtype in schemas.REGISTRATION.items()
    )


# The secret keys of the cell-key method, as load_inputs adds them to what it reads.
KEYS = RecordKeys.from_secret(b"overview-test")


def _keyed(registrations: pl.DataFrame) -> pl.DataFrame:
    return registrations.with_columns(
        record_key=KEYS.of("source_system", "source_record_id"),
        family_key=KEYS.of(pl.lit("family"), "family_id"),
    )


def _empty(schema: pl.Schema) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


def _inputs(
    registrations: pl.DataFrame | None = None,
    counts: list[tuple[str, date, str, int]] | None = None,
) -> Inputs:
    counts = _COUNTS if counts is None else counts
    aggregates = pl.DataFrame(
        [(*row, f"monthly_counts:{row[0]}") for row in counts],
        schema=schemas.AGGREGATE_REPORT,
        orient="row",
    ).with_columns(
        cell_key=KEYS.of(
            pl.lit("aggregate"),
            "source_system",
            "region_code",
            pl.col("month").cast(pl.String),
            "measure",
        )
    )
    regions = pl.DataFrame(
        {
            "region_code": ["AAA", "BBB", "CCC"],
            "region_name": ["Alfa", "Bravo", "Charlie"],
            "active_from": [date(2018, 9, 1)] * 3,
            "active_to": [None] * 3,
            "name_basis": ["source"] * 3,
        },
        schema=schemas.REGION,
    )
    return Inputs(
        registrations=_keyed(_registrations() if registrations is None else registrations),
        aggregates=aggregates,
        partners=_empty(schemas.REGISTRATION_PARTNER),
        staffing=_empty(schemas.STAFFING),
        agreements=_empty(schemas.VOLUME_AGREEMENT),
        regions=regions,
        populations=_empty(schemas.REGION_POPULATION).with_columns(
            valid_from=pl.lit(None, pl.Date), valid_to=pl.lit(None, pl.Date)
        ),
        network_reference=pl.DataFrame(),
        basis="then",
        today=TODAY,
        data_version=1,
        scope=scopes.everything(),
        keys=KEYS,
    )


def _tiles(view: PublishedView) -> dict[str, Tile]:
    return {
        tile.label: tile
        for section in view.sections
        for block in section.blocks
        if isinstance(block, PublishedMetrics)
        for tile in block.tiles
    }


def _rows(view: PublishedView) -> dict[str, dict[str, object]]:
    """The published key figures per region code (the total under TOTAL)."""
    return {r["region_code"]: r for r in values(view).to_dicts()}


def test_key_figures_count_every_source_and_leave_unknowns_empty() -> None:
    """Rows and monthly counts both count; a spreadsheet has no consults, counts no families."""
    figures = key_counts(_inputs(), PERIOD)
    expected = pl.DataFrame(
        {
            "region_code": ["AAA", "BBB", "CCC"],
            "intakes": [4, 1, 5],
            "consults": [1, None, None],
            "tijdig": [2, 1, 4],
            "laat": [1, 0, 1],
            "brede_instap": [2, 1, 3],
            "gv": [1, 0, 2],
            "sdj": [1, 0, 0],
            "families": [1, 1, None],
            "source": ["rijen", "rijen", "maandtotalen"],
        }
    )
    got = figures.select(expected.columns).with_columns(pl.col(pl.Int64, pl.UInt32).cast(pl.Int64))
    assert got.to_dicts() == expected.to_dicts()
    # Every count travels with its perturbation, for the boundary to publish it.
    assert {f"{c}__noise" for c in ("intakes", "consults", "tijdig", "families")} <= set(
        figures.columns
    )


def test_the_timeliness_rate_is_the_indicators() -> None:
    """Binnen de maand per region is timeliness_by_region's rate (31 Jan → 29 Feb 2024 is on time)."""
    inputs = _inputs()
    published = values(shown(overview_view(inputs, PERIOD))).filter(pl.col("region_code") != TOTAL)
    in_period = inputs.registrations.filter(PERIOD.in_period())
    expected = timeliness_by_region(
        in_period, inputs.aggregates.filter(PERIOD.in_period("month")), TODAY
    ).select("region_code", pl.col("rate").alias("within_month"))
    got = published.select("region_code", "within_month").sort("region_code")
    assert got.to_dicts() == expected.sort("region_code").to_dicts()
    rates = dict(got.iter_rows())
    assert rates["AAA"] == pytest.approx(2 / 3)


def test_the_total_recomputes_rates_from_the_summed_counts() -> None:
    """The total adds counts up and divides the sums, not the regions' rates."""
    total = _rows(shown(overview_view(_inputs(), PERIOD)))[TOTAL]
    assert (total["intakes"], total["gv"], total["sdj"]) == (10, 3, 1)
    assert total["within_month"] == pytest.approx(7 / 9)
    assert total["brede_instap_share"] == pytest.approx(6 / 10)
    assert (total["consults"], total["families"]) == (1, 2)


def test_changes_use_data_outside_the_selected_period() -> None:
    """Intakes change against October–December 2023 and January–March 2023."""
    before = compared(_inputs(), PERIOD)
    assert dict(before.select("region_code", "intakes_prev").iter_rows()) == {
        "AAA": 2,
        "BBB": None,
        "CCC": 10,
    }
    rows = _rows(shown(overview_view(_inputs(), PERIOD)))
    assert rows["AAA"]["intakes_change_prev"] == pytest.approx((4 - 2) / 2)
    assert rows["AAA"]["intakes_change_last_year"] == pytest.approx((4 - 1) / 1)
    assert rows["AAA"]["within_month_change_prev"] == pytest.approx(2 / 3 - 1)
    assert rows["CCC"]["intakes_change_prev"] == pytest.approx((5 - 10) / 10)
    assert rows["BBB"]["intakes_change_prev"] is None  # no data then: no change, not +100%
    assert rows[TOTAL]["intakes_change_prev"] == pytest.approx((10 - 12) / 12)
    # Consults: the total compares the same regions (AAA only): 1 now against 2 before.
    assert rows[TOTAL]["consults_change_prev"] == pytest.approx(-0.5)
    # Families: BBB, counted now, did not report before, so the total has no comparison.
    assert rows[TOTAL]["families_change_prev"] is None


def test_the_view_shows_tiles_table_and_chart() -> None:
    """Tiles carry nl-BE values and signed Dutch changes; the table starts with the total."""
    view = shown(overview_view(_inputs(), PERIOD))
    tiles = _tiles(view)
    assert tiles["Aanmeldingen"].value == "10"
    assert tiles["Aanmeldingen"].changes == (
        "-16,7% t.o.v. vorige periode",
        "+900,0% t.o.v. zelfde periode vorig jaar",
    )
    assert tiles["Aanmeldingen"].trend == (7, 2, 1)
    assert tiles["Binnen de maand opgenomen"].value == "77,8%"
    assert tiles["Gezinnen bereikt"].changes[0] is None
    assert "1 van 3 regio's" in tiles["Consultvragen"].help
    main = text(view)
    assert main["Regio"].to_list() == ["Vlaanderen (totaal)", "Alfa", "Bravo", "Charlie"]
    assert main["Consultvragen"].to_list() == ["1", "1", "–", "–"]
    assert main["Δ vorige periode"].to_list() == ["-16,7%", "100,0%", "–", "-50,0%"]
    figures = charts(view)
    assert list(figures) == ["Aanmeldingen per regio: deze periode en vorig jaar"]
    assert [t.name for t in figures["Aanmeldingen per regio: deze periode en vorig jaar"].data] == [
        "jan. 2023 – mrt. 2023",
        PERIOD.period_label(),
    ]


def test_one_chosen_region_is_set_against_flanders() -> None:
    """A stuurgroep's start: its region's row, then Flanders (every region, the others not
    listed) as the comparison, in the table and in each tile."""
    view = shown(overview_view(_inputs(), Selection(PERIOD.start, PERIOD.end, regions=("AAA",))))
    assert view.sections[0].title.startswith("Alfa · ")
    main = text(view)
    assert main["Regio"].to_list() == ["Alfa", "Vlaanderen (totaal)"]
    assert main["Aanmeldingen"].to_list() == ["4", "10"]
    tiles = _tiles(view)
    assert tiles["Aanmeldingen"].value == "4"
    assert tiles["Aanmeldingen"].reference == "Vlaanderen: 10"
    # The rate of Flanders from its summed counts: 2 + 1 + 4 on time of 3 + 1 + 5 closed.
    assert tiles["Binnen de maand opgenomen"].reference == "Vlaanderen: 77,8%"
    bars = charts(view)["Aanmeldingen per regio: deze periode en vorig jaar"].data
    assert {str(x) for trace in bars for x in trace.y} == {"Alfa"}


def test_several_chosen_regions_have_their_total_and_flanders() -> None:
    """Two regions: their total first, then each, then Flanders over all three."""
    chosen = Selection(PERIOD.start, PERIOD.end, regions=("AAA", "BBB"))
    view = shown(overview_view(_inputs(), chosen))
    assert view.sections[0].title.startswith("Geselecteerde regio's")
    main = text(view)
    assert main["Regio"].to_list() == [
        "Geselecteerde regio's (totaal)",
        "Alfa",
        "Bravo",
        "Vlaanderen (totaal)",
    ]
    assert main["Aanmeldingen"].to_list() == ["5", "4", "1", "10"]
    tiles = _tiles(view)
    assert (tiles["Aanmeldingen"].value, tiles["Aanmeldingen"].reference) == ("5", "Vlaanderen: 10")


def test_flanders_beside_a_protected_region_sums_the_published_rows() -> None:
    """For a reader who sees only Alfa in detail, the Flemish total is Alfa exact plus the
    others as published to that reader: nothing a trekkersgroep-style total would add."""
    chosen = Selection(PERIOD.start, PERIOD.end, regions=("AAA",))
    everywhere = Selection(PERIOD.start, PERIOD.end)
    reader = scopes.regions("AAA")
    flanders = values(shown(overview_view(_inputs(), chosen), reader))
    listed = values(shown(overview_view(_inputs(), everywhere), reader))
    total = flanders.filter(pl.col("region_code") == "_VLAANDEREN")["intakes"].item()
    assert listed.filter(pl.col("region_code") == TOTAL)["intakes"].item() == total
    assert flanders.filter(pl.col("region_code") == "AAA")["intakes"].item() == 4


def test_change_text_signs_and_units() -> None:
    """Relative changes read as percentages, rate changes as points; unknown stays None (the
    tiles' change text, written at the boundary from a table's Difference cells)."""
    frame = pl.DataFrame(
        {
            "region_code": [TOTAL],
            "now": [1123.0],
            "before": [1000.0],
            "rate": [0.479],
            "rate_before": [0.5],
            "unknown": [None],
        },
        schema_overrides={"unknown": pl.Float64},
    )
    cells = (
        REGION,
        Measure("now", "Nu", "int"),
        Measure("rate", "Percentage", "pct"),
        Difference("relative", "Relatief", "pct", of="now", against="before", relative=True),
        Difference("points", "Punten", "points", of="rate", against="rate_before"),
        Difference("missing", "Onbekend", "pct", of="now", against="unknown", relative=True),
    )
    spec = TableSpec(
        frame,
        cells,
        title="Wijzigingen",
        inputs=(Measure("before", ""), Measure("rate_before", ""), Measure("unknown", "")),
    )
    metrics = (
        Metric("Aantal", "now", changes=(("vorige periode", "relative"),)),
        Metric("Aandeel", "rate", changes=(("vorig jaar", "points"),)),
        Metric("Zonder vergelijking", "now", changes=(("vorige periode", "missing"),)),
    )
    view = View("Test", (Section("", (MetricsSpec(spec, metrics, row_value=TOTAL),)),))
    tiles = _tiles(shown(view))
    assert tiles["Aantal"].changes == ("+12,3% t.o.v. vorige periode",)
    assert tiles["Aandeel"].changes == ("-2,1 ptn t.o.v. vorig jaar",)
    assert tiles["Zonder vergelijking"].changes == (None,)


def test_no_data_gives_an_empty_view() -> None:
    """Without any registration or count the view is empty: its tiles show no figure and there
    is no chart."""
    view = shown(overview_view(_inputs(_registrations().clear(), []), PERIOD))
    assert view.is_empty
    tiles = _tiles(view)
    assert tiles and all(t.value == "–" and set(t.changes) == {None} for t in tiles.values())
    assert all(t.trend == () for t in tiles.values())
    assert charts(view) == {}


def test_a_period_into_the_running_month_is_flagged() -> None:
    """A period that reaches the current month says that month is incomplete."""
    running = Selection(date(2024, 4, 1), TODAY)
    assert any("lopende maand (jun. 2024)" in n for n in overview_view(_inputs(), running).notes)
    assert not any("lopende maand" in n for n in overview_view(_inputs(), PERIOD).notes)
    # The published view and its table carry the note too.
    published = shown(overview_view(_inputs(), running))
    assert any("lopende maand (jun. 2024)" in n for n in published.notes)
    assert any("lopende maand (jun. 2024)" in n for n in table(published).notes)


def test_the_headline_rate_leaves_provisional_months_out_and_says_so() -> None:
    """October–November 2026 seen on 6 December: the tile and the table show October's final
    80,0 %, not the 97,7 % of a November still full of lopende aanmeldingen, and a note
    says November is left out; November alone shows '–' and says why."""
    from tests.reports.views.frames import AUTUMN_TODAY, autumn_2026, hand_inputs, registrations

    inputs = hand_inputs(registrations(*autumn_2026()), today=AUTUMN_TODAY)
    autumn = Selection(date(2026, 10, 1), date(2026, 11, 30))
    view = shown(overview_view(inputs, autumn))
    assert _tiles(view)["Binnen de maand opgenomen"].value == "80,0%"
    assert _rows(view)["R1"]["within_month"] == pytest.approx(8 / 10)
    assert any("Voorlopig en niet meegeteld: nov. 2026" in note for note in view.notes)
    assert "voorlopige maand" in _tiles(view)["Binnen de maand opgenomen"].help
    november = shown(overview_view(inputs, Selection(date(2026, 11, 1), date(2026, 11, 30))))
    assert _tiles(november)["Binnen de maand opgenomen"].value == "–"
    assert any("geen enkele maand van de periode is al definitief" in n for n in november.notes)


def test_the_headline_rate_is_the_final_months_rate_of_tijdige_opname() -> None:
    """One definition: the overview's rate is tijdig / (tijdig + laat) over exactly the rows
    Tijdige opname shows without 'voorlopig'."""
    from reports.views.response_time import response_time_view
    from tests.reports.views.frames import AUTUMN_TODAY, autumn_2026, hand_inputs, registrations

    inputs = hand_inputs(registrations(*autumn_2026()), today=AUTUMN_TODAY)
    autumn = Selection(date(2026, 9, 1), date(2026, 11, 30))
    final = values(shown(response_time_view(inputs, autumn))).filter(~pl.col("provisional"))
    expected = final["tijdig"].sum() / (final["tijdig"].sum() + final["laat"].sum())
    assert _rows(shown(overview_view(inputs, autumn)))["R1"]["within_month"] == pytest.approx(
        expected
    )


def test_families_reached_are_the_bereik_pages_figure_in_every_region() -> None:
    """One definition: 'Gezinnen bereikt' on the overview is the Bereik page's count of the
    year the period ends in, also for a year partly from monthly counts (it was '–' on the
    overview and a number on Bereik), with the same note."""
    from reports.views.reach import reach_view
    from tests.reports.views.frames import hand_inputs, registrations

    rows = registrations(
        *(
            {
                "family_id": f"F{i}",
                "received_date": date(2024, 1, 10),
                "first_contact_date": date(2024, 1, 12),
                "response_type": "GEZINSPLAN",
                "region_code": region,
            }
            for i, region in enumerate(["R1", "R1", "R2", "R2", "R2"])
        )
    )
    counts = [("R1", date(2024, 2, 1), "intakes", 7)]
    inputs = hand_inputs(rows, counts, today=date(2024, 6, 1))
    selection = Selection(date(2024, 1, 1), date(2024, 3, 31))
    overview = values(shown(overview_view(inputs, selection))).filter(
        pl.col("region_code") != TOTAL
    )
    reach = values(shown(reach_view(inputs, selection)))
    assert (
        dict(overview.select("region_code", "families").iter_rows())
        == dict(reach.select("region_code", "families").iter_rows())
        == {"R1": 2, "R2": 3}
    )
    notes = shown(overview_view(inputs, selection)).notes
    assert any(n.startswith("Regio Een: bereikte gezinnen van 2024 tellen alleen") for n in notes)
