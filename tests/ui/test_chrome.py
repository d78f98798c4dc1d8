"""Streamlit's chrome in Dutch: every English string translated is still Streamlit's own."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import streamlit

from indicators.formatting import MONTH_ABBREVIATIONS
from ui import chrome


@cache
def _bundle() -> str:
    """Streamlit's frontend as shipped: every JavaScript file of the installed version."""
    static = Path(streamlit.__file__).parent / "static"
    return "\n".join(path.read_text(errors="ignore") for path in static.rglob("*.js"))


def _translated(text: str) -> str:
    """What the page script makes of `text` (the same table, Python's regular expressions)."""
    if text in chrome.TEXTS:
        return chrome.TEXTS[text]
    for source, target, _ in chrome.PATTERNS:
        if re.search(source, text):
            return re.sub(source, re.sub(r"\$(\d)", r"\\\1", target), text)
    return text


@pytest.mark.parametrize("english", sorted(chrome.TEXTS))
def test_every_translated_text_is_streamlits_own(english: str) -> None:
    """Each English text is still in the installed Streamlit's frontend: an upgrade that
    rewords one fails here instead of bringing English back unnoticed."""
    assert english in _bundle()


@pytest.mark.parametrize(("source", "witness"), [(p[0], p[2]) for p in chrome.PATTERNS])
def test_every_pattern_names_a_piece_of_streamlit(source: str, witness: str) -> None:
    """Each pattern's literal piece of English is in the installed Streamlit's frontend."""
    assert witness in _bundle(), source


@pytest.mark.parametrize(
    ("english", "dutch"),
    [
        ("Help for Regio's", "Uitleg bij Regio's"),
        ("Maanden — start", "Maanden — begin"),
        ("Maanden — end", "Maanden — einde"),
        ("100MB per file", "max. 100 MB per bestand"),
        ("4 options available.", "4 keuzes beschikbaar."),
        ("option Konekti, selected.", "Konekti gekozen."),
        ("Konekti, 3 of 18.", "Konekti, 3 van 18."),
        ("Running...", "Bezig…"),
        ("Search", "Zoeken"),
    ],
)
def test_the_chrome_speaks_dutch(english: str, dutch: str) -> None:
    """Texts Streamlit builds around a value are translated with the value kept."""
    assert _translated(english) == dutch


def test_the_apps_own_dutch_is_left_alone() -> None:
    """Dutch labels and sentences of the app match no entry and no pattern."""
    for text in ("Regio's tonen", "Aanmeldingen per maand", "CSV downloaden", "Kwartaal"):
        assert _translated(text) == text


def test_every_chart_has_dutch_dates_and_numbers() -> None:
    """The plotly locale every chart gets: nl-BE separators and the app's month names."""
    config = chrome.PLOTLY_CONFIG
    locale = config["locales"][config["locale"]]["format"]
    assert (locale["decimal"], locale["thousands"]) == (",", ".")
    assert locale["shortMonths"] == list(MONTH_ABBREVIATIONS)
    assert config["displaylogo"] is False


def test_the_snippet_is_one_style_and_one_script() -> None:
    """The injected HTML is the style sheet and the script, with the table as JSON in it."""
    snippet = chrome._snippet()
    assert snippet.count("<script>") == 1 and snippet.count("</script>") == 1
    assert snippet.startswith('<style id="monitor-chrome">')
    assert '"Skip to main content": "Naar de inhoud"' in snippet
    # Streamlit sanitises st.html with DOMPurify, which drops a script whose text holds
    # something like a tag ("<ul>" in a comment was enough): the script would never run.
    script = snippet[snippet.index("<script>") + len("<script>") : snippet.index("</script>")]
    assert not re.search(r"<[/!?\w]", script)
