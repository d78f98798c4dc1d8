"""Attacks on the published figures by arithmetic, scored against the true counts.

Each attack uses only what a reader gets (published tables, with the method and its table
known) and aims at the counts of other regions. It scores its exact hits on true counts of
1–4 against reading the published value itself; it must not do better, and no cell may be
left with one possible value (docs/disclosure.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import polars as pl

from data_access.reference.codes import REFERRER_GROUPS, UNASSIGNED_REGION
from indicators.periods import add_months, quarter_bounds
from reports.publish.boundary import PublishedTable, PublishedView
from reports.selection import Selection
from reports.series.intakes import monthly_intakes
from reports.series.referrers import monthly_referrer_groups
from reports.series.timeliness import monthly_timeliness
from tests.disclosure.conftest import Score, World, possible_true_values

Report = Callable[[Score], None]
HISTORY = (date(2019, 1, 1), date(2026, 9, 30))
QUARTERS = Selection(*HISTORY, "quarter")
MONTHS = Selection(*HISTORY, "month")


def _table(view: PublishedView, name: str) -> PublishedTable:
    return next(t for t in view.tables() if t.name == name)


def _shown(table: PublishedTable, *keys: str, value: str) -> pl.DataFrame:
    """keys, the published value (null when hidden) and whether it is hidden."""
    return table.values.select(*keys, value).with_columns(hidden=table.markers[value].is_not_null())


def _truth_intakes(world: World) -> pl.DataFrame:
    """region_code, month, true intakes and the published value of every monthly cell."""
    inputs = world.inputs("truth")
    return monthly_intakes(inputs, MONTHS).select(
        "region_code",
        "month",
        true=pl.col("intakes"),
        published=pl.col("intakes") + pl.col("intakes__noise"),
    )


def test_windows_a_quarter_minus_its_shown_months(world: World, report: Report) -> None:
    """A quarter's published intakes minus its two shown months give the third month's
    published value, never more: the quarter is the sum of the published months."""
    months = _shown(
        _table(world.published("trekkersgroep", "intakes", MONTHS), "aanmeldingen"),
        "region_code",
        "period",
        value="intakes",
    )
    quarters = _shown(
        _table(world.published("trekkersgroep", "intakes", QUARTERS), "aanmeldingen"),
        "region_code",
        "period",
        value="intakes",
    ).filter(~pl.col("hidden"))
    truth = _truth_intakes(world).with_columns(period=pl.col("month").dt.strftime("%Y-%m"))
    score = Score("windows: quarter minus its shown months")
    for region, quarter, total, _ in quarters.iter_rows():
        first, last = quarter_bounds(quarter)
        inside = months.filter(
            (pl.col("region_code") == region)
            & pl.col("period").is_between(
                pl.lit(first.strftime("%Y-%m")), pl.lit(last.strftime("%Y-%m"))
            )
        )
        hidden = inside.filter(pl.col("hidden"))
        if hidden.height != 1:
            continue
        estimate = total - int(inside.filter(~pl.col("hidden"))["intakes"].sum())
        period = hidden["period"][0]
        cell = truth.filter((pl.col("region_code") == region) & (pl.col("period") == period))
        score.add(cell["true"][0], estimate, cell["published"][0], possible_true_values(estimate))
    report(score)
    assert score.cells > 20, "the demo must give the attack something to try"
    assert score.holds(), score.as_dict()
    assert score.hits == score.baseline_hits  # it finds the published value, nothing more


def test_region_sets_flanders_minus_the_shown_regions(world: World, report: Report) -> None:
    """Overview, a month at a time: the total of a hidden region and a shown one, minus the
    shown one, gives the hidden region's published value, never more; for a stuurgroep, who
    knows its own region exactly, the same with its own region as the shown one."""
    truth = _truth_intakes(world)
    regions = set(truth["region_code"].unique())
    for reader, partner in (("trekkersgroep", "ANT"), ("stuurgroep", "KON")):
        score = Score(f"region sets: a pair minus its shown region ({reader})")
        cells = truth.filter(
            pl.col("true").is_between(1, 4)
            & (pl.col("month") >= date(2024, 1, 1))
            & (pl.col("region_code") != partner)
        ).head(60)
        for region, month in cells.select("region_code", "month").iter_rows():
            view = world.published(
                reader, "overview", Selection(month, month, regions=(region, partner))
            )
            shown = _shown(_table(view, "kerncijfers"), "region_code", value="intakes")
            total = shown.filter(~pl.col("region_code").is_in(sorted(regions)))
            other = shown.filter(pl.col("region_code") == partner)
            target = shown.filter(pl.col("region_code") == region)
            if total["hidden"][0] or other["hidden"][0] or not target["hidden"][0]:
                continue
            estimate = total["intakes"][0] - other["intakes"][0]
            cell = truth.filter((pl.col("region_code") == region) & (pl.col("month") == month))
            score.add(
                cell["true"][0], estimate, cell["published"][0], possible_true_values(estimate)
            )
        report(score)
        assert score.cells > 3
        assert score.holds(), score.as_dict()


def test_flanders_beside_the_own_region_minus_every_other_region(
    world: World, report: Report
) -> None:
    """Overview as the stuurgroep opens it: its own region and Flanders, over a few months.
    Flanders minus every region the all-regions table lists but one gives that one's published
    value, never more: the Flemish row is the sum of the rows as published to this reader."""
    truth = _truth_intakes(world)
    score = Score("region sets: Flanders beside the own region minus the others (stuurgroep)")
    windows = [
        (date(year, first, 1), add_months(date(year, first, 1), length) - timedelta(days=1))
        for year in range(2022, 2027)
        for first in range(1, 13)
        for length in (3, 4)
    ]
    for start, end in windows:
        if score.cells >= 8:
            break
        own = world.published("stuurgroep", "overview", Selection(start, end, regions=("KON",)))
        flanders = _shown(_table(own, "kerncijfers"), "region_code", value="intakes").filter(
            pl.col("region_code") == "_VLAANDEREN"
        )
        listed = _table(
            world.published("stuurgroep", "overview", Selection(start, end)), "kerncijfers"
        )
        rows = _shown(listed, "region_code", value="intakes")[listed.listed()["_row"]]
        rows = rows.filter(~pl.col("region_code").str.starts_with("_"))
        hidden = rows.filter(pl.col("hidden"))
        if flanders.is_empty() or flanders["hidden"][0] or hidden.height != 1:
            continue
        estimate = flanders["intakes"][0] - rows.filter(~pl.col("hidden"))["intakes"].sum()
        cell = truth.filter(
            (pl.col("region_code") == hidden["region_code"][0])
            & pl.col("month").is_between(start, end)
        )
        true, published = int(cell["true"].sum()), int(cell["published"].sum())
        score.add(true, estimate, published, possible_true_values(estimate))
    report(score)
    assert score.cells > 0
    assert score.holds(), score.as_dict()


def test_rates_times_denominators(world: World, report: Report) -> None:
    """Tijdige opname: a shown rate beside a shown tijdig would give a hidden laat. A rate with
    a hidden count in it is not shown, so the attack finds nothing; where both counts show,
    the rate is their ratio and adds nothing."""
    view = world.published("trekkersgroep", "response_time", MONTHS)
    table = _table(view, "tijdige-opname")
    values, markers = table.values, table.markers
    exposed = values.filter(
        markers["laat"].is_not_null()
        & values["rate"].is_not_null()
        & values["tijdig"].is_not_null()
    )
    assert exposed.is_empty(), exposed.head()
    both = values.filter(values["rate"].is_not_null())
    assert ((both["rate"] - both["tijdig"] / (both["tijdig"] + both["laat"])).abs() < 1e-9).all()
    truth = monthly_timeliness(world.inputs("truth"), MONTHS, "calendar_month")
    small = truth.filter(pl.col("laat").is_between(1, 4)).height
    score = Score("rates x denominators")
    report(score)
    assert small > 50  # there were cells to attack


def test_deltas_against_a_hidden_count(world: World, report: Report) -> None:
    """Overview: a change against the previous period is not shown when either count is
    hidden, so 'now − change' never gives a hidden count."""
    view = world.published("trekkersgroep", "overview", Selection(date(2026, 7, 1), HISTORY[1]))
    table = _table(view, "kerncijfers")
    for change in [c.key for c in table.cells if "change" in c.key or "delta" in c.key]:
        of = next(c for c in table.cells if c.key == change)
        sides = [getattr(of, "of", None), getattr(of, "against", None)]
        for side in (s for s in sides if s is not None and s in table.markers.columns):
            leak = table.values.filter(
                table.markers[side].is_not_null() & table.values[change].is_not_null()
            )
            assert leak.is_empty(), (change, side)
    report(Score("deltas: now minus the change against a hidden count"))


def test_shares_times_totals(world: World, report: Report) -> None:
    """Referrer groups: a shown share times the group's total gives its published count; a
    hidden group's share is not shown, and the shown shares give the hidden groups' published
    sum at most."""
    view = world.published("trekkersgroep", "referrers", QUARTERS)
    table = _table(view, "aanmeldersgroepen")
    values, markers = table.values, table.markers
    assert values.filter(
        markers["intakes"].is_not_null() & values["share"].is_not_null()
    ).is_empty()
    truth_groups = (
        monthly_referrer_groups(world.inputs("truth"), MONTHS)
        .group_by(
            "region_code",
            "referrer_group",
            period=pl.col("month").dt.year().cast(pl.String)
            + "Q"
            + pl.col("month").dt.quarter().cast(pl.String),
        )
        .agg(pl.col("intakes", "intakes__noise").sum())
    ).with_columns(
        referrer_group=pl.col("referrer_group").replace_strict(
            REFERRER_GROUPS, default=pl.col("referrer_group"), return_dtype=pl.String
        ),
        published=pl.col("intakes") + pl.col("intakes__noise"),
    )
    score = Score("shares x totals: a hidden group from the others' shares")
    grouped = values.with_columns(hidden=markers["intakes"].is_not_null()).group_by(
        "region_code", "period"
    )
    for (region, period), rows in grouped:
        hidden = rows.filter(pl.col("hidden"))
        shown = rows.filter(~pl.col("hidden") & (pl.col("share") > 0))
        if hidden.height != 1 or shown.is_empty():
            continue
        first = shown.row(0, named=True)
        total = round(first["intakes"] / first["share"])
        estimate = total - int(rows.filter(~pl.col("hidden"))["intakes"].sum())
        group = hidden["referrer_group_label"][0]
        cell = truth_groups.filter(
            (pl.col("region_code") == region)
            & (pl.col("period") == period)
            & (pl.col("referrer_group") == group)
        )
        if cell.is_empty():
            continue
        score.add(
            cell["intakes"][0], estimate, cell["published"][0], possible_true_values(estimate)
        )
    report(score)
    assert score.cells > 20
    assert score.holds(), score.as_dict()


def test_per_1000_times_population(world: World, report: Report) -> None:
    """Intakes per 1.000 minors times the population gives the published count, so a figure
    per 1.000 of a hidden count is not shown."""
    view = world.published("trekkersgroep", "intakes", MONTHS)
    table = _table(view, "aanmeldingen")
    per = next(c.key for c in table.cells if type(c).__name__ == "PerUnit")
    leak = table.values.filter(
        table.markers["intakes"].is_not_null() & table.values[per].is_not_null()
    )
    assert leak.is_empty()
    assert table.markers["intakes"].is_not_null().sum() > 20
    report(Score("per 1.000 x population"))


def test_ranks_and_ties(world: World, report: Report) -> None:
    """Ranks rank shown figures only: a hidden rate has no rank, so a shared first place
    never tells a hidden 100 %."""
    view = world.published(
        "trekkersgroep", "response_time", Selection(date(2025, 1, 1), HISTORY[1])
    )
    table = (
        _table(view, "kalendermaand-of-30-dagen")
        if any(t.name == "kalendermaand-of-30-dagen" for t in view.tables())
        else next(t for t in view.tables() if any(type(c).__name__ == "Rank" for c in t.cells))
    )
    for rank in (c for c in table.cells if type(c).__name__ == "Rank"):
        of = rank.of  # type: ignore[attr-defined]
        hidden_of = table.values[of].is_null() | table.markers[of].is_not_null()
        assert table.values.filter(hidden_of & table.values[rank.key].is_not_null()).is_empty()
    report(Score("ranks and ties"))


def test_repeated_queries_give_the_same_answer(world: World, report: Report) -> None:
    """Asking again, or as another reader, or for a window that holds the same cells, gives the
    same published value: there is no second draw to average."""
    first = _table(world.published("trekkersgroep", "intakes", MONTHS), "aanmeldingen").values
    world.forget()
    again = _table(world.published("trekkersgroep", "intakes", MONTHS), "aanmeldingen").values
    assert first.equals(again)
    as_friend = _table(world.published("critical friend", "intakes", MONTHS), "aanmeldingen")
    protected_for_both = ~pl.col("region_code").is_in(["GNT", "WAD"])
    joined = first.filter(protected_for_both).join(
        as_friend.values.filter(protected_for_both), on=["region_code", "period"]
    )
    assert joined.height > 100
    assert (joined["intakes"].fill_null(-1) == joined["intakes_right"].fill_null(-1)).all()
    window = _table(
        world.published("trekkersgroep", "intakes", Selection(date(2024, 3, 1), date(2024, 5, 31))),
        "aanmeldingen",
    ).values
    same = window.join(first, on=["region_code", "period"])
    assert (same["intakes"].fill_null(-1) == same["intakes_right"].fill_null(-1)).all()
    report(Score("repeated queries"))


def test_the_two_region_bases_share_their_cells(world: World, report: Report) -> None:
    """Under today's regions a cell holding the same registrations is published the same:
    switching the basis is not a second draw."""
    then = monthly_intakes(world.inputs("trekkersgroep", "then"), MONTHS)
    today = monthly_intakes(
        world.inputs("trekkersgroep", "today"), MONTHS.__class__(*HISTORY, basis="today")
    )
    joined = then.join(today, on=["region_code", "month"], suffix="_today").filter(
        (pl.col("intakes") == pl.col("intakes_today"))
        & (pl.col("region_code") != UNASSIGNED_REGION)
    )
    assert joined.height > 100
    assert (joined["intakes__noise"] == joined["intakes__noise_today"]).all()
    report(Score("the same cell under both region bases"))
