"""Streamlit's own chrome made Dutch and whole: its words in nl-BE, nothing cut off.

Streamlit has no language setting: its toolbar, status widget, file uploader, table toolbar,
select boxes and accessible names are English. `install()` puts one small script into the page
(once per browser page; it survives reruns and page changes) that translates those texts,
titles, placeholders and aria-labels wherever Streamlit renders them, now and later (a tooltip,
a menu, a live message), and declares the page Dutch; with it comes a style sheet that lets
labels wrap where Streamlit would cut them to "…". Only exact strings and the patterns below
are touched, never the app's own content. Plotly has a locale of its own: `PLOTLY_CONFIG`
gives every chart Dutch modebar titles, month names and number separators. README ("Taal en
toegankelijkheid") lists what stays English.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Final

import streamlit as st

from indicators.formatting import MONTH_ABBREVIATIONS, MONTH_NAMES
from reports import charts

# Streamlit 1.67's English, as it renders it (text, aria-label, title, placeholder) → nl-BE.
# tests/ui/test_chrome.py checks that each one still occurs in Streamlit's frontend bundle, so an
# upgrade that rewords a string fails a test instead of bringing English back unseen.
TEXTS: Final[dict[str, str]] = {
    # App frame and navigation
    "Skip to main content": "Naar de inhoud",
    "App pages": "Pagina's",
    "Sidebar": "Zijbalk",
    "Collapse sidebar": "Zijbalk sluiten",
    "Expand sidebar": "Zijbalk openen",
    "Main menu": "Menu",
    "Link to heading": "Link naar deze kop",
    "Notifications": "Meldingen",
    "Close": "Sluiten",
    # Status widget while a page runs
    "Running...": "Bezig…",
    "Stop": "Stoppen",
    "Stop script": "Stoppen",
    "Rerun": "Opnieuw uitvoeren",
    # Select boxes and multiselects
    "Open": "Keuzelijst openen",
    "Choose an option": "Maak een keuze",
    "Choose options": "Maak een keuze",
    "Select...": "Maak een keuze",
    "Selected values": "Gekozen waarden",
    "Clear value": "Keuze wissen",
    "Clear all": "Alles wissen",
    "No options": "Geen keuzes",
    "No results": "Geen resultaten",
    "All selected options have been cleared.": "Alle keuzes zijn gewist.",
    "Use left and right to toggle between focused values, press Backspace to remove the "
    "currently focused value": "Wissel met pijl links en rechts tussen de gekozen waarden; "
    "Backspace verwijdert de gekozen waarde",
    # File uploader
    "file upload": "Bestand kiezen",
    "Upload": "Bestand kiezen",
    "Add files": "Bestanden toevoegen",
    "Drag and drop a file here": "Sleep een bestand hierheen",
    "Drag and drop files here": "Sleep bestanden hierheen",
    # Table toolbar and column menu
    "Search": "Zoeken",
    "Show/hide columns": "Kolommen tonen of verbergen",
    "Fullscreen": "Volledig scherm",
    "Close fullscreen": "Volledig scherm sluiten",
    "Toggle fullscreen": "Volledig scherm aan of uit",
    "Download as CSV": "Downloaden als CSV",
    "Download as PNG": "Downloaden als PNG",
    "Dataframe column menu": "Kolommenu",
    "Sort ascending": "Oplopend sorteren",
    "Sort descending": "Aflopend sorteren",
    "Autosize": "Breedte aanpassen",
    "Pin column": "Kolom vastzetten",
    "Unpin column": "Kolom losmaken",
    "Hide column": "Kolom verbergen",
    "Copy column name": "Kolomnaam kopiëren",
    "Format": "Opmaak",
    "Automatic": "Automatisch",
    "Localized": "Volgens taal",
    "Plain": "Zonder opmaak",
    "Select all": "Alles selecteren",
    "Close Search": "Zoeken sluiten",
    "Next Result": "Volgend resultaat",
    "Previous Result": "Vorig resultaat",
    # Key figures, maps and charts drawn by Streamlit's other libraries
    "Vega visualization": "Verloop",
    "Map": "Kaart",
    "Toggle attribution": "Bronvermelding tonen of verbergen",
    "Zoom in": "Inzoomen",
    "Zoom out": "Uitzoomen",
    "Reset bearing to north": "Naar het noorden draaien",
    # Connection
    "Connecting": "Verbinden",
    "Please wait...": "Even geduld…",
    "Connection error": "Verbindingsfout",
}

# Strings Streamlit builds around a value: (JavaScript regular expression, replacement, a
# literal piece of the English that the test finds in Streamlit's bundle).
PATTERNS: Final[tuple[tuple[str, str, str], ...]] = (
    (r"^Help for (.+)$", "Uitleg bij $1", "Help for "),
    (r"^(.+) — start$", "$1 — begin", "?`start`:`end`"),
    (r"^(.+) — end$", "$1 — einde", "?`start`:`end`"),
    (r"^(.+) start date$", "$1 begindatum", " start date"),
    (r"^(.+) end date$", "$1 einddatum", " end date"),
    (r"^(\d+(?:[.,]\d+)?) ?([KMG]B) per file$", "max. $1 $2 per bestand", " per file"),
    (r"^Remove (.+)$", "$1 verwijderen", "Remove "),
    (
        r"^(\d+) (?:result|option)s? available for search term (.*)\.?$",
        "$1 keuzes voor '$2'.",
        " for search term ",
    ),
    (r"^(\d+) (?:result|option)s? available\.?$", "$1 keuzes beschikbaar.", " available"),
    (r"^options? (.+), selected\.$", "$1 gekozen.", ", selected."),
    (r"^option (.+), deselected\.$", "$1 niet meer gekozen.", ", deselected."),
    (
        r"^option (.+) is disabled\. Select another option\.$",
        "$1 kan niet. Kies iets anders.",
        "is disabled. Select another option.",
    ),
    (r"^value (.+) focused, (\d+) of (\d+)\.$", "$1, $2 van $3.", " focused, "),
    (r"^(.+?)(?: selected)?(?: disabled)?, (\d+) of (\d+)\.$", "$1, $2 van $3.", " of ${"),
    (
        r"^Use Up and Down to choose options, press Enter to select the currently focused "
        r"option, press Escape to exit the menu(?:, press Tab to select the option and exit "
        r"the menu)?\.$",
        "Kies met pijl omhoog en omlaag, bevestig met Enter, sluit de lijst met Escape.",
        "Use Up and Down to choose options",
    ),
    (
        r"^(.+) is focused ?(?:,type to refine list)?, press Down to open the menu, .*$",
        "$1: typ om te zoeken, pijl omlaag opent de lijst.",
        "press Down to open the menu",
    ),
)

# The attributes whose text a person hears or sees; the text nodes are translated as well.
ATTRIBUTES: Final = ("aria-label", "title", "placeholder", "data-title", "alt")

_HERE: Final = Path(__file__).parent


@cache
def _snippet() -> str:
    patterns = [(source, target) for source, target, _ in PATTERNS]
    table = json.dumps(
        {"texts": TEXTS, "patterns": patterns, "attributes": ATTRIBUTES}, ensure_ascii=False
    )
    script = (_HERE / "chrome.js").read_text(encoding="utf-8").replace("__TABLE__", table)
    style = (_HERE / "chrome.css").read_text(encoding="utf-8")
    return f'<style id="monitor-chrome">{style}</style><script>{script}</script>'


def install() -> None:
    """Put the style sheet and the translating script into the page: our own code, no user
    input, the same on every run (so Streamlit keeps the element and runs it once)."""
    st.html(_snippet(), unsafe_allow_javascript=True)


def _plotly_locale() -> dict[str, Any]:
    """Plotly's locale for nl-BE: modebar titles, day and month names, separators."""
    return {
        "dictionary": {
            "Autoscale": "Automatisch schalen",
            "Reset axes": "Assen herstellen",
            "Reset view": "Beeld herstellen",
            "Reset": "Beeld herstellen",  # the geo map's reset button
            "Zoom": "Zoomen",
            "Zoom in": "Inzoomen",
            "Zoom out": "Uitzoomen",
            "Pan": "Verschuiven",
            "Box Select": "Rechthoek selecteren",
            "Lasso Select": "Lasso selecteren",
            "Download plot as a PNG": "Grafiek downloaden als PNG",
            "Download plot as a png": "Grafiek downloaden als PNG",
            "Download plot": "Grafiek downloaden",
            "Double-click to zoom back out": "Dubbelklik om weer uit te zoomen",
            "Show closest data on hover": "Dichtstbijzijnde gegevens tonen",
            "Compare data on hover": "Gegevens vergelijken",
            "Toggle Spike Lines": "Hulplijnen aan of uit",
            "Reset camera to default": "Camera herstellen",
            "Produced with Plotly.js": "Gemaakt met Plotly.js",
            "max:": "max.:",
            "min:": "min.:",
            "mean:": "gemiddelde:",
            "median:": "mediaan:",
            "q1:": "q1:",
            "q3:": "q3:",
            "trace": "reeks",
            "new text": "nieuwe tekst",
        },
        "format": {
            "days": [
                "zondag",
                "maandag",
                "dinsdag",
                "woensdag",
                "donderdag",
                "vrijdag",
                "zaterdag",
            ],
            "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
            "months": list(MONTH_NAMES),
            "shortMonths": list(MONTH_ABBREVIATIONS),
            "date": "%d/%m/%Y",
            "decimal": ",",
            "thousands": ".",
            "year": "%Y",
            "month": "%b %Y",
            "dayMonth": "%-d %b",
            "dayMonthYear": "%-d %b %Y",
        },
    }


# Every chart's plotly configuration: the nl-BE locale (so separators and dates are Dutch even
# on a figure that sets none), no plotly logo, and only the modebar buttons a reader uses.
PLOTLY_CONFIG: Final[dict[str, Any]] = {
    "locale": "nl-BE",
    "locales": {"nl-BE": _plotly_locale()},
    "displaylogo": False,
    "topojsonURL": charts.BLANK_TOPOJSON_URL,
    "modeBarButtonsToRemove": [
        "select2d",
        "lasso2d",
        "autoScale2d",
        "toggleSpikelines",
        "hoverClosestCartesian",
        "hoverCompareCartesian",
    ],
}
