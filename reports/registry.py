"""The indicators of the house: one spec each, kept next to its view. Navigation, the CLI, the
quarterly report, the benchmark and the tests all iterate this list, so a new indicator is its
computation, its view, their tests and one entry here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from reports.inputs import Inputs
from reports.publish.spec import View
from reports.selection import Selection
from reports.views.compare import compare_view
from reports.views.intakes import intakes_view
from reports.views.organisations import organisations_view
from reports.views.overview import overview_view
from reports.views.reach import reach_view
from reports.views.referrers import referrers_view
from reports.views.response_time import response_time_view
from reports.views.staffing import staffing_view
from reports.views.volume import volume_view

ViewFunction = Callable[..., View]


@dataclass(frozen=True)
class Chapter:
    """An indicator's chapter in the quarterly report: the tables (by name) and charts (by
    title) of its view for the quarter and region, and charts of its view over the last
    quarters (`trend_charts`)."""

    title: str
    tables: tuple[tuple[str, str], ...]  # (table name, sheet name in the report's workbook)
    charts: tuple[str, ...] = ()
    trend_charts: tuple[str, ...] = ()
    all_regions: bool = False  # the region among every region (the funnel), not alone


@dataclass(frozen=True)
class Indicator:
    """One indicator: its name (CLI, URL), Dutch title, icon and caption, its view, its
    report chapter, and the capability a source needs for it (profiles' `supports`)."""

    name: str
    title: str
    icon: str
    caption: str
    view: ViewFunction
    chapter: Chapter | None = None
    needs: str | None = None
    # Widgets the page draws before the view: keyword → page script (pages/figures/<name>.py).
    own_page: bool = False
    options: dict[str, Any] = field(default_factory=dict)
    # Choices of the page whose first view computes a whole-history series of its own: built
    # beside a scope's first figure (reports.service), so that a first switch finds it made.
    prepared: tuple[dict[str, Any], ...] = ()

    def build(self, inputs: Inputs, selection: Selection, **options: Any) -> View:
        """The indicator's view for a selection (and the page's own options)."""
        return self.view(inputs, selection, **{**self.options, **options})


INDICATORS: Final = (
    Indicator(
        "overview",
        "Overzicht",
        ":material/dashboard:",
        "De kerncijfers van de gekozen periode, vergeleken met de vorige periode en met "
        "dezelfde periode vorig jaar.",
        overview_view,
        # No chart: the report's first page sets the quarter beside the previous one and the
        # same one last year, in figures (two bars of one region said less).
        Chapter("Kerncijfers en hun verandering", tables=(("kerncijfers", "Kerncijfers"),)),
        needs="intakes",
    ),
    Indicator(
        "intakes",
        "Aanmeldingen",
        ":material/inbox:",
        "Aanmeldingen per regio sinds de start van elk netwerk; consultvragen apart.",
        intakes_view,
        Chapter(
            "Aanmeldingen",
            tables=(("aanmeldingen", "Aanmeldingen"), ("aard-van-de-vraag", "Aard van de vraag")),
            charts=("Aard van de vraag",),
            trend_charts=("Aanmeldingen",),
        ),
        needs="intakes",
    ),
    Indicator(
        "response_time",
        "Tijdige opname",
        ":material/timer:",
        "Aandeel aanmeldingen met een eerste contact binnen de maand, per regio en periode.",
        response_time_view,
        Chapter(
            "Tijdige opname",
            tables=(
                ("tijdige-opname", "Tijdige opname"),
                ("dagen-tot-eerste-contact", "Dagen tot eerste contact"),
            ),
            charts=("Dagen tot eerste contact",),
            trend_charts=("Tijdige opname",),
        ),
        needs="response_time",
        own_page=True,
        prepared=({"rule": "30_days"},),
    ),
    Indicator(
        "referrers",
        "Aanmelders",
        ":material/alt_route:",
        "Wie meldt gezinnen aan: aandelen per aanmeldersgroep en per aanmelder, per regio.",
        referrers_view,
        Chapter(
            "Aanmeldersmix",
            tables=(("aanmeldersgroepen", "Aanmeldersmix"),),
            charts=("Aanmeldersgroepen per regio",),
            trend_charts=("Aandeel brede instap",),
        ),
        needs="referrers",
    ),
    Indicator(
        "volume",
        "Volumeafspraken GV/SDJ",
        ":material/flag:",
        "Afgesproken en gerealiseerde aanmeldingen via gemandateerde voorzieningen (GV) en de "
        "sociale dienst jeugdrechtbank (SDJ), per regio en per heel kalenderjaar.",
        volume_view,
        Chapter(
            "Volumeafspraken GV en SDJ",
            tables=(("volumeafspraken", "Volumeafspraken"),),
            # Both parties against the pro-rata line in one chart; the page's chart per party
            # repeats it for one region.
            charts=("Voortgang",),
        ),
        needs="volume",
    ),
    Indicator(
        "staffing",
        "Personeelsinzet",
        ":material/groups:",
        "Voltijdse equivalenten (VTE) per functie, regio en kwartaal; per 100.000 inwoners en "
        "tegenover het aantal aanmeldingen.",
        staffing_view,
        Chapter(
            "Personeelsinzet",
            tables=(("personeelsinzet", "Personeelsinzet"),),
            charts=("VTE per functie",),
            trend_charts=("Totaal VTE per kwartaal",),
        ),
        needs="staffing",
    ),
    Indicator(
        "reach",
        "Bereik en trajecten",
        ":material/diversity_3:",
        "Bereikte gezinnen per jaar naast het doel van 200 extra gezinnen per netwerk; "
        "trajecten, afsluiting en doorstroom.",
        reach_view,
        needs="reach",
    ),
    Indicator(
        "organisations",
        "Betrokken organisaties",
        ":material/handshake:",
        "Welke organisaties en sectoren betrokken zijn, per regio en periode, en hoe sectoren "
        "samen aan dezelfde aanmeldingen werken.",
        organisations_view,
        needs="partners",
    ),
    Indicator(
        "compare",
        "Regio's vergelijken",
        ":material/compare_arrows:",
        "Regio's van verschillende grootte eerlijk vergelijken: trechter, cijfers per 1.000 "
        "minderjarigen met betrouwbaarheidsinterval, kaart en definitiegevoeligheid.",
        compare_view,
        Chapter(
            "De regio tegenover Vlaanderen",
            tables=(("trechter", "Regio t.o.v. Vlaanderen"),),
            charts=("Trechter",),
            all_regions=True,
        ),
        own_page=True,
        # The share of a referrer group reads the referrer groups' series (one for all groups).
        prepared=({"rule": "30_days"}, {"indicator": "BREDE_INSTAP"}),
    ),
)

BY_NAME: Final = {indicator.name: indicator for indicator in INDICATORS}


def indicator(name: str) -> Indicator:
    """The indicator called `name`; a Dutch KeyError-like ValueError otherwise."""
    if name not in BY_NAME:
        raise ValueError(f"Onbekende indicator '{name}'. Kies uit: {', '.join(BY_NAME)}.")
    return BY_NAME[name]
