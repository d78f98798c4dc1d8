"""The Regio's vergelijken view on a real store: funnel, map, and history under both bases."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine

from data_access.access.perturbation import MAX_PERTURBATION, RecordKeys
from data_access.ingest.pipeline import import_file
from data_access.reference import shapes as geo
from data_access.reference.codes import UNASSIGNED_LABEL, UNASSIGNED_REGION
from data_access.reference.simplify import simplified_features
from data_access.settings import Settings
from reports import charts as charts_module
from reports.inputs import Inputs, load_inputs
from reports.publish.boundary import SMALL, THIN, WITH_HIDDEN, PublishedView
from reports.publish.spec import Paragraph
from reports.publish.text import legend_lines
from reports.selection import Selection
from reports.views.compare import (
    GREY,
    compare_view,
    funnel_figure,
    map_day,
    map_layout,
    monthly_series,
)
from tests import scopes
from tests.published import charts, shown, table, text, title, values

TODAY = date(2023, 6, 1)
PERIOD = Selection(date(2021, 1, 1), date(2022, 12, 31))
MERGER = date(2021, 7, 1)
# Fixed secret keys of the cell-key method: the same perturbations on every run (chosen so
# that WHM's single intake publishes as 1–4 and MWV's six below 10).
KEYS = RecordKeys.from_secret(b"compare-test-2")

HEADER = (
    "registration_id,family_id,region_code,nis_code,kind,received_date,first_contact_date,"
    "closed_date,referrer,request_nature,response_type,closure_reason,child_age,partners\n"
)

# Municipalities: Westhoek (WHK) 32003 and Midden West-Vlaanderen (MWV) 36006 both lie in today's
# WHM (elz47 and elz39); Kortrijk 34022 in KON, Gent 44021 in GNT, Antwerpen 11002 in ANT.
WHK_ROWS = 12  # January–June 2021, 2 per month, with a municipality
MWV_ROWS = 6  # January–June 2021, 1 per month, with a municipality
WHK_WITHOUT_MUNICIPALITY = 2
WHK_AFTER_END = 1  # a (wrong) WHK row in August 2021, after the network ended


def _row(code: str, region: str, nis: str, received: date, contact_days: int | None) -> str:
    contact = "" if contact_days is None else (received + timedelta(days=contact_days)).isoformat()
    return f"{code},F{code},{region},{nis},aanmelding,{received},{contact},,CLB,OPVOEDING,GEZINSPLAN,,10,"


def _rows() -> list[str]:
    rows = []
    for month in range(1, 7):
        for i in range(2):
            rows.append(_row(f"W{month}{i}", "WHK", "32003", date(2021, month, 3 + i), 5))
        rows.append(_row(f"M{month}", "MWV", "36006", date(2021, month, 10), 5))
    rows += [_row(f"WX{i}", "WHK", "", date(2021, 2, 20 + i), 5) for i in range(2)]
    rows.append(_row("WLATE", "WHK", "32003", date(2021, 8, 2), 5))
    # After the merger: KON always on time, GNT half late, ANT mostly on time (60 each).
    for i in range(60):
        received = date(2022, 1 + i % 12, 1 + i // 12)
        rows.append(_row(f"K{i}", "KON", "34022", received, 3))
        rows.append(_row(f"G{i}", "GNT", "44021", received, 3 if i % 2 else 50))
        rows.append(_row(f"A{i}", "ANT", "11002", received, 3 if i % 6 else 50))
    rows.append(_row("H1", "WHM", "32003", date(2022, 3, 3), 5))
    return rows


@pytest.fixture
def store(engine: Engine, settings: Settings, tmp_path: Path) -> Engine:
    """The reference store with the rows above imported in the uniform format."""
    path = tmp_path / "compare.csv"
    path.write_text(HEADER + "\n".join(_rows()) + "\n", encoding="utf-8")
    result = import_file(engine, settings, path, "uniform", today=TODAY)
    assert result.rows_rejected == 0
    return engine


def _inputs(engine: Engine, basis: str) -> Inputs:
    return load_inputs(engine, scopes.everything(), basis, TODAY)  # type: ignore[arg-type]


def _selection(basis: str) -> Selection:
    return Selection(PERIOD.start, PERIOD.end, basis=basis)  # type: ignore[arg-type]


def _texts(view: PublishedView) -> list[str]:
    """The view's notes and every text of its sections (written from the published tables)."""
    written = [
        block.text
        for section in view.sections
        for block in section.blocks
        if isinstance(block, Paragraph)
    ]
    return [*view.notes, *written]


def test_funnel_names_the_regions_outside_the_limits(store: Engine) -> None:
    """KON (all on time) lies above and GNT (half late) below the limits; both are named in a
    note and labelled on the chart, the Flemish value is the centre line."""
    inputs = _inputs(store, "then")
    view = shown(compare_view(inputs, _selection("then"), "tijdig", method="exact"))
    funnel = values(view)
    position = dict(funnel.select("region_code", "position").iter_rows())
    assert position["KON"].startswith("boven")
    assert position["GNT"].startswith("onder")
    above = next(n for n in _texts(view) if n.startswith("Boven de 99,8%-grens:"))
    below = next(n for n in _texts(view) if n.startswith("Onder de 99,8%-grens:"))
    assert "Konekti" in above and "Gent" not in above
    assert "Samen1Plan Gent-Scheldekracht" in below
    figure = charts(view)["Trechter"]
    labels = {t for trace in figure.data if trace.mode == "markers+text" for t in trace.text}
    assert {"Konekti", "Samen1Plan Gent-Scheldekracht"} <= labels
    assert "Antwerpen" not in " ".join(labels)
    total = funnel["numerator"].sum() / funnel["denominator"].sum()
    centre = next(t for t in figure.data if str(t.name).startswith("Vlaamse waarde"))
    assert centre.y[0] == pytest.approx(total)
    assert "exacte binomiale grenzen" in title(figure)


def test_a_highlighted_funnel_names_its_region_alone(store: Engine) -> None:
    """A region's own funnel (its quarterly report) names and colours that region only, even
    inside the limits; the others, named on the page when outside, are grey and unnamed."""
    inputs = _inputs(store, "then")
    view = shown(compare_view(inputs, _selection("then"), "tijdig", method="exact"))
    (trechter,) = [t for t in view.tables() if t.name == "trechter"]
    figure = funnel_figure(
        trechter,
        label="Binnen de maand",
        subtitle="",
        method="exact",
        overdispersion=False,
        failing=set(),
        highlight="ANT",
    )
    assert figure is not None
    points = [t for t in figure.data if t.mode == "markers+text"]
    (own,) = [t for t in points if t.marker.color != GREY]
    assert list(own.text) == ["Regio stad Antwerpen"] and own.name == "Regio stad Antwerpen"
    others = [t for t in points if t.marker.color == GREY]
    assert others and sum(len(t.x) for t in others) >= 2  # Konekti and Gent among them
    assert not any(text for t in others for text in t.text)
    assert {t.name for t in others} == {"Andere regio's"}


def test_normal_and_exact_limits_differ(store: Engine) -> None:
    """The method changes the limits in the table and is stated on the chart."""
    inputs = _inputs(store, "then")
    exact = values(shown(compare_view(inputs, _selection("then"), "tijdig", method="exact")))
    normal_view = shown(compare_view(inputs, _selection("then"), "tijdig", method="normal"))
    assert exact["lower_95"].to_list() != values(normal_view)["lower_95"].to_list()
    assert "normale benadering" in title(charts(normal_view)["Trechter"])


def test_the_map_has_one_location_per_elz_and_every_elz_a_region(store: Engine) -> None:
    """Every one of the 57 ELZ is exactly one location on the map, and under today's layout
    every ELZ belongs to a region; hover texts carry the region's name."""
    inputs = _inputs(store, "today")
    selection = _selection("today")
    layout = map_layout(store, inputs, selection)
    assert layout.height == 57
    assert layout["region_code"].null_count() == 0
    view = shown(compare_view(inputs, selection, "tijdig", elz_layout=layout))
    figure = charts(view)["Kaart"]
    locations = [code for trace in figure.data for code in trace.locations]
    assert len(locations) == 57 == len(set(locations))
    assert set(locations) == {f["properties"]["elz_code"] for f in geo.elz_shapes()["features"]}
    assert all(isinstance(trace, go.Choropleth) for trace in figure.data)
    assert figure.layout.geo.visible is False  # no base map: nothing fetched from a CDN
    assert all(trace.featureidkey == "properties.elz_code" for trace in figure.data)
    hover = [row[1] for trace in figure.data for row in trace.customdata]
    assert "Konekti" in hover
    # The shapes reach the browser as the reference file has them, simplified once for all.
    sent = {
        feature["properties"]["elz_code"]: feature["geometry"]
        for trace in json.loads(pio.to_json(figure, validate=False))["data"]
        for feature in trace["geojson"]["features"]
    }
    reference = json.loads(geo.ELZ_GEOJSON.read_text(encoding="utf-8"))["features"]
    simple = simplified_features(reference, geo.MAP_TOLERANCE)
    assert sent == {f["properties"]["elz_code"]: f["geometry"] for f in simple}


def test_map_uses_the_layout_of_the_period_end(store: Engine) -> None:
    """Under 'zoals toen' a period ending in 2020 colours the map by the first networks: WHK
    serves Westhoek's zone, and zones no network covered then have no region."""
    inputs = _inputs(store, "then")
    selection = Selection(date(2020, 1, 1), date(2020, 12, 31))
    assert map_day(inputs, selection) == date(2020, 12, 31)
    layout = map_layout(store, inputs, selection)
    assert layout.filter(pl.col("elz_code") == "elz47")["region_code"].to_list() == ["WHK"]
    assert layout["region_code"].null_count() > 0


def test_days_between_two_changes_of_the_areas_share_one_map_layout(store: Engine) -> None:
    """The map's layout is read once per stretch between two changes of the areas: on the
    first and the last day of every stretch (and the day before the first change) the ELZ
    have the same regions, and stretches on either side of mid-2021 differ."""
    changes = geo.layout_changes(store)
    assert date(2021, 7, 1) in changes and geo.MERGERS_2025 in changes
    stretches = {}
    for first, after in zip(
        (date(2015, 1, 1), *changes), (*changes, date(2031, 1, 1)), strict=True
    ):
        last = after - timedelta(days=1)
        assert geo.layout_since(changes, last) == geo.layout_since(changes, first)
        stretches[first] = geo.elz_regions(store, first)
        assert_frame_equal(geo.elz_regions(store, last), stretches[first])
    assert geo.layout_since(changes, date(2015, 1, 1)) == date.min
    before, after = (
        stretches[changes[changes.index(date(2021, 7, 1)) - 1]],
        stretches[date(2021, 7, 1)],
    )
    assert not before.equals(after)
    # The view's layout on a day is the one read for its stretch.
    inputs = _inputs(store, "then")
    for end in (date(2020, 12, 31), date(2022, 6, 30), date(2026, 9, 30)):
        selection = Selection(date(end.year, 1, 1), end)
        assert_frame_equal(map_layout(store, inputs, selection), geo.elz_regions(store, end))


def test_todays_basis_conserves_the_total_with_an_unassigned_row(store: Engine) -> None:
    """Sum over today's regions plus 'Niet toe te wijzen' equals the total under 'zoals toen'."""
    then = monthly_series(_inputs(store, "then"), PERIOD)
    today_inputs = _inputs(store, "today")
    today = monthly_series(today_inputs, _selection("today"))
    assert today["intakes"].sum() == len(_rows())  # every row falls in 2021–2022
    unassigned = today.filter(pl.col("region_code") == UNASSIGNED_REGION)["intakes"].sum()
    assert unassigned == WHK_WITHOUT_MUNICIPALITY
    assert today_inputs.region_names()[UNASSIGNED_REGION] == UNASSIGNED_LABEL
    # Under 'zoals toen' the WHK row after its end date is not shown: one fewer there.
    assert then["intakes"].sum() == len(_rows()) - WHK_AFTER_END


def test_the_merged_network_shows_its_predecessors_history(store: Engine) -> None:
    """Under today's borders WHM's intakes before July 2021 are WHK's and MWV's with a
    municipality in WHM's area; the rows without one are not silently added."""
    series = monthly_series(_inputs(store, "today"), _selection("today"))
    before = series.filter((pl.col("region_code") == "WHM") & (pl.col("month") < MERGER))
    assert before["intakes"].sum() == WHK_ROWS + MWV_ROWS
    assert before["month"].min() == date(2021, 1, 1)
    assert set(series["region_code"]) >= {"WHM", UNASSIGNED_REGION}
    assert not {"WHK", "MWV"} & set(series["region_code"])


def test_an_ended_region_stops_at_its_end_date(store: Engine) -> None:
    """Under 'zoals toen' WHK and MWV are shown up to 30/06/2021 and not after (even with a
    stray WHK row in August 2021), and WHM only from July 2021."""
    series = monthly_series(_inputs(store, "then"), PERIOD)
    whk = series.filter(pl.col("region_code") == "WHK")
    assert whk["month"].max() == date(2021, 6, 1)
    assert whk["intakes"].sum() == WHK_ROWS + WHK_WITHOUT_MUNICIPALITY
    assert series.filter(pl.col("region_code") == "MWV")["month"].max() == date(2021, 6, 1)
    assert series.filter(pl.col("region_code") == "WHM")["month"].min() >= MERGER


def test_rates_and_definition_sensitivity(store: Engine) -> None:
    """Rates per 1,000 minors come with an interval around them, and the rule comparison ranks
    KON first under both rules."""
    view = shown(compare_view(_inputs(store, "then"), _selection("then"), "tijdig"))
    rates = values(view, "per-1000-minderjarigen").filter(pl.col("rate").is_not_null())
    assert not rates.is_empty()
    assert (rates["lower"] < rates["rate"]).all() and (rates["rate"] < rates["upper"]).all()
    comparison = values(view, "kalendermaand-of-30-dagen")
    kon = comparison.filter(pl.col("region_code") == "KON").row(0, named=True)
    assert kon["rank_calendar_month"] == kon["rank_30_days"] == 1
    assert "Rangorde" in charts(view)


def test_referrer_share_indicator(store: Engine) -> None:
    """For a referrer group the funnel counts that group's intakes over all intakes: every row
    here is referred by a CLB, so the brede-instap share is 100% and GV's 0%."""
    inputs = _inputs(store, "then")
    brede = values(shown(compare_view(inputs, _selection("then"), "BREDE_INSTAP")))
    assert not brede.is_empty() and (brede["proportion"] == 1.0).all()
    gv = shown(compare_view(inputs, _selection("then"), "GV"))
    assert "Vlaamse waarde (middenlijn): 0,0%" in " ".join(_texts(gv))


def test_regions_with_a_failing_passport_are_marked(store: Engine) -> None:
    """A region below the passport threshold keeps its place but is marked in the table, the
    chart and a note; without failing passports nothing is marked."""
    passports = pl.DataFrame(
        {"region_code": ["GNT", "KON"], "overall": [0.4, 0.99], "below_threshold": [True, False]}
    )
    inputs = replace(_inputs(store, "then"), passports=passports)
    view = shown(compare_view(inputs, _selection("then"), "tijdig"))
    quality = dict(values(view).select("region_code", "quality").iter_rows())
    assert quality["GNT"] == "niet in orde" and quality["KON"] == ""
    assert "Samen1Plan Gent-Scheldekracht ⚠" in text(view)["Regio"].to_list()
    assert any(n.startswith("⚠ Kwaliteitspaspoort niet in orde: Samen1Plan") for n in view.notes)
    funnel = charts(view)["Trechter"]
    marked = [t for t in funnel.data if t.name == "Kwaliteitspaspoort niet in orde"]
    assert len(marked) == 1 and marked[0].marker.symbol == "x"
    clean = shown(compare_view(_inputs(store, "then"), _selection("then"), "tijdig"))
    assert set(values(clean)["quality"]) == {""}
    assert not any(n.startswith("⚠") for n in _texts(clean))


def test_a_scoped_reader_sees_other_regions_under_disclosure_control(store: Engine) -> None:
    """A Konekti reader sees Konekti exactly; other regions' counts are perturbed (never 1–4:
    '<5') and their rates recomputed from the published counts. MWV's rate on 6 intakes (a
    published base below 10) is hidden ('n<10'), left off the funnel; WHM's single intake is
    '<5', its rate hidden with it and its zones grey on the map; the page says why."""
    reader = scopes.regions("KON")
    inputs = load_inputs(store, reader, "then", TODAY, keys=KEYS)
    selection = _selection("then")
    view = shown(
        compare_view(inputs, selection, "tijdig", elz_layout=map_layout(store, inputs, selection)),
        reader,
    )
    funnel = table(view)
    rows = {row["region_code"]: row for row in funnel.values.iter_rows(named=True)}
    marks = {
        row["region_code"]: row
        for row in funnel.markers.with_columns(region_code=funnel.values["region_code"]).iter_rows(
            named=True
        )
    }
    # Konekti, in the reader's detail: exact.
    assert (rows["KON"]["numerator"], rows["KON"]["denominator"]) == (60, 60)
    assert rows["KON"]["proportion"] == 1.0
    # Elsewhere every count is perturbed: an integer, never 1–4 (those are '<5').
    for code, row in rows.items():
        for column in ("numerator", "denominator"):
            value, mark = row[column], marks[code][column]
            assert (value is None) == (mark == SMALL), (code, column)
            assert value is None or not 1 <= value <= 4
    # ... and not simply the true counts, which a beheerder sees.
    exact = {r["region_code"]: r for r in values(shown(compare_view(inputs, selection))).to_dicts()}
    assert exact["KON"]["denominator"] == rows["KON"]["denominator"]
    assert any(
        rows[code]["denominator"] != exact[code]["denominator"] for code in rows if code != "KON"
    )
    # MWV: 6 intakes, all on time, one a month: the sum of six perturbed monthly cells. A
    # published base below 10 hides the rate.
    assert abs(rows["MWV"]["denominator"] - MWV_ROWS) <= MAX_PERTURBATION * 6
    assert rows["MWV"]["denominator"] < 10
    assert rows["MWV"]["proportion"] is None and marks["MWV"]["proportion"] == THIN
    # WHM: one intake, published as '<5'; the rate stemming from it is hidden too.
    assert marks["WHM"]["numerator"] == marks["WHM"]["denominator"] == SMALL
    assert rows["WHM"]["proportion"] is None and marks["WHM"]["proportion"] == WITH_HIDDEN
    assert rows["WHM"]["lower_95"] is None
    # A shown rate outside the detail is that of the published counts.
    for code in ("ANT", "GNT"):
        assert rows[code]["proportion"] == pytest.approx(
            rows[code]["numerator"] / rows[code]["denominator"]
        )
    listed = text(view).filter(pl.col("Regio") == "Midden West-Vlaanderen")
    assert listed["Binnen de maand"][0] == "n<10"
    whm = text(view).filter(pl.col("Regio") == "Jeugdhulp Westhoek-Midwest").row(0, named=True)
    assert (whm["Teller"], whm["Noemer"], whm["Binnen de maand"]) == ("<5", "<5", "x")
    figures = charts(view)
    points = [t for t in figures["Trechter"].data if t.mode == "markers+text"]
    plotted = {row[0] for trace in points for row in trace.customdata}
    assert "Konekti" in plotted and "Midden West-Vlaanderen" not in plotted
    assert "Jeugdhulp Westhoek-Midwest" not in plotted
    coloured = {
        row[1] for t in figures["Kaart"].data if t.name != "Geen gegevens" for row in t.customdata
    }
    grey = {
        row[1] for t in figures["Kaart"].data if t.name == "Geen gegevens" for row in t.customdata
    }
    assert "Konekti" in coloured
    assert "Jeugdhulp Westhoek-Midwest" in grey and "Jeugdhulp Westhoek-Midwest" not in coloured
    # The page says why: the legend of every symbol used, and that counts are perturbed.
    assert view.perturbed
    assert {SMALL, THIN, WITH_HIDDEN} <= set(view.symbols)
    assert any(line.startswith("'<5'") for line in legend_lines(view.symbols))


def test_a_stuurgroep_finds_its_region_in_every_comparison_chart(store: Engine) -> None:
    """Konekti's reader: Konekti in the strong colour on the funnel, the rates and the ranks,
    bold, and its panel coloured; the other regions grey; rates drawn from zero."""
    reader = scopes.regions("KON")
    inputs = load_inputs(store, reader, "then", TODAY, keys=KEYS)
    figures = charts(shown(compare_view(inputs, _selection("then"), "tijdig"), reader))
    rates = figures["Per 1.000"]
    (dots,) = rates.data
    colours = dict(zip(dots.y, dots.marker.color, strict=True))
    assert colours.pop("Konekti") == charts_module.HIGHLIGHT[0]
    assert colours and set(colours.values()) == {GREY}
    assert "<b>Konekti</b>" in rates.layout.yaxis.ticktext
    assert rates.layout.xaxis.rangemode == "tozero"
    ranks = {t.name: t.line.color for t in figures["Rangorde"].data}
    assert ranks.pop("Konekti") == charts_module.HIGHLIGHT[0]
    assert charts_module.HIGHLIGHT[0] not in ranks.values()
    panels = {t.name: t.line.color for t in figures["Per maand"].data}
    assert panels.pop("Konekti") == charts_module.HIGHLIGHT[0]
    assert set(panels.values()) == {GREY}
    funnel = figures["Trechter"]
    points = [t for t in funnel.data if t.mode == "markers+text"]
    (own,) = [t for t in points if t.name == "Konekti"]
    assert own.marker.color == charts_module.HIGHLIGHT[0] and list(own.text) == ["Konekti"]
    others = [t for t in points if t.name != "Konekti"]
    assert others and {t.marker.color for t in others} == {GREY}


def test_the_funnel_and_the_ranking_use_final_months_only() -> None:
    """On 6 December the funnel's tijdig for R1 counts October only (8 of 10), and says
    November is left out; the rule ranking does the same."""
    from tests.reports.views.frames import AUTUMN_TODAY, autumn_2026, hand_inputs, registrations

    inputs = hand_inputs(registrations(*autumn_2026()), today=AUTUMN_TODAY)
    view = shown(compare_view(inputs, Selection(date(2026, 10, 1), date(2026, 11, 30)), "tijdig"))
    r1 = values(view).filter(pl.col("region_code") == "R1").row(0, named=True)
    assert (r1["numerator"], r1["denominator"]) == (8, 10)
    assert any("Voorlopig en niet meegeteld: nov. 2026" in note for note in view.notes)
    ranking = values(view, "kalendermaand-of-30-dagen").filter(pl.col("region_code") == "R1")
    assert ranking["n_calendar_month"].to_list() == [10]
