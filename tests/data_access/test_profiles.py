"""The profile language: every mistake refused in Dutch with file and key, the doc in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from data_access.ingest.profiles import (
    BUILTIN_DIR,
    ProfileError,
    available_profiles,
    get_profile,
    parse_profile,
    profile_problems,
)
from data_access.ingest.schema import format_label, formats_label, key_paths

DOC = (Path(__file__).resolve().parents[2] / "docs" / "profiles.md").read_text(encoding="utf-8")

BASE = """
[source]
name = "kompas"
label = "Kompas"
kind = "registrations"
requires_region = true
supports = ["intakes", "referrers"]

[reader]
delimiter = ";"

[columns]
source_record_id = "Dossier"
family_key = "Gezin"
received_date = "Datum"
referrer = "Verwezen door"
"""


def _refusal(text: str) -> str:
    with pytest.raises(ProfileError) as caught:
        parse_profile(text, "kompas.toml")
    return str(caught.value)


def test_every_builtin_profile_is_valid() -> None:
    """The profiles that ship validate and are all listed."""
    assert profile_problems() == []
    assert set(available_profiles()) == {p.stem for p in BUILTIN_DIR.glob("*.toml")}


def test_the_base_profile_is_valid() -> None:
    """The profile the refusals below change is itself accepted."""
    spec = parse_profile(BASE, "kompas.toml")
    assert spec.columns["referrer"] == "Verwezen door"


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (("[reader]", "[reader]\nskip_rows = 4"), "reader.skip_rows", "onbekende sleutel"),
        (("[columns]", "[kolommen]\nx = 'y'\n[columns]"), "kolommen", "onbekende sleutel"),
        (('delimiter = ";"', "delimiter = 1"), "reader.delimiter", "verwacht tekst"),
        (('delimiter = ";"', 'delimiter = ";;"'), "reader.delimiter", "één teken"),
        (
            ("requires_region = true", 'requires_region = "ja"'),
            "source.requires_region",
            "true of false",
        ),
        (('kind = "registrations"', 'kind = "rijen"'), "source.kind", "moet 'registrations'"),
        (('delimiter = ";"', "header_row = 0"), "reader.header_row", "regelnummer"),
        (
            ('referrer = "Verwezen door"', 'gebortedatum = "X"'),
            "columns.gebortedatum",
            "onbekend veld",
        ),
        (('family_key = "Gezin"', ""), "columns.family_key", "verplicht veld"),
        (
            ("[columns]", '[codes.referrer]\n"huis v/h kind" = "HVK"\n[columns]'),
            'codes.referrer."huis v/h kind"',
            "onbekende code 'HVK'",
        ),
        (
            ("[columns]", "[patterns.referrer]\n'(clb' = \"CLB\"\n[columns]"),
            'patterns.referrer."(clb"',
            "geen geldig patroon",
        ),
        (
            ("[columns]", '[codes.leeftijd]\n"x" = "Y"\n[columns]'),
            "codes.leeftijd",
            "geen codeveld",
        ),
        (('delimiter = ";"', 'date_formats = ["%d/%m"]'), "reader.date_formats[1]", "jaar"),
        (('delimiter = ";"', 'date_formats = ["%d/%b/%Y"]'), "reader.date_formats[1]", "%b"),
        (('delimiter = ";"', 'date_formats = "%d/%m/%Y"'), "reader.date_formats", "lijst"),
        (('delimiter = ";"', "footer = ['^totaal(']"), "reader.footer[1]", "geen geldig patroon"),
        (
            ('"referrers"]', '"referrers", "response_time"]'),
            "source.supports",
            "first_contact_date",
        ),
        (('"referrers"]', '"referrers", "lachjes"]'), "source.supports", "onbekende cijfers"),
        (("requires_region = true", ""), "source.requires_region", "regio komt nergens vandaan"),
        (
            ("[columns]", "[title]\nregion_code = '^regio: .+$'\n[columns]"),
            "title.region_code",
            "één groep",
        ),
        (
            ("[columns]", '[drop]\ncolumns = ["Verwezen door"]\n[columns]'),
            "drop.columns",
            "toegewezen aan referrer",
        ),
        (("[columns]", "[reader.x]\n[columns]"), "reader.x", "onbekende sleutel"),
        (
            (
                "[columns]",
                '[[derive]]\nfield = "closure_reason"\ncolumn = "Status"\npattern = "^x$"\nvalue = "WEG"\n[columns]',
            ),
            "derive[1].value",
            "onbekende code 'WEG'",
        ),
        (
            (
                "[columns]",
                '[[derive]]\nfield = "referrer"\ncolumn = "Status"\npattern = "^x$"\n[columns]',
            ),
            "derive[1].value",
            "verplichte sleutel ontbreekt",
        ),
    ],
)
def test_a_mistake_is_refused_naming_file_and_key(
    change: tuple[str, str], key: str, message: str
) -> None:
    """Unknown keys, wrong types, unknown fields and codes and bad patterns are refused in
    Dutch, naming the profile file and the key."""
    old, new = change
    assert old in BASE
    refusal = _refusal(BASE.replace(old, new, 1))
    assert f"Profiel kompas.toml, sleutel {key}: " in refusal, refusal
    assert message in refusal, refusal
    assert "Traceback" not in refusal and "pydantic" not in refusal.lower()


def test_broken_toml_names_the_file() -> None:
    """Text that is no TOML is refused naming the file."""
    assert _refusal("[source\nname=").startswith("Profiel kompas.toml: geen geldige TOML")


def _write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(exist_ok=True)
    path = directory / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_profiles_in_the_profile_directory_are_listed_and_bad_ones_explained(
    tmp_path: Path,
) -> None:
    """A valid profile in the directory is listed; an invalid one is left out, explained, and
    refused by name; one that takes a built-in name or another file's name is refused."""
    folder = tmp_path / "profiles"
    _write(folder, "kompas", BASE)
    _write(
        folder,
        "kapot",
        BASE.replace('name = "kompas"', 'name = "kapot"').replace(
            "[reader]", "[reader]\nskip_rows = 4"
        ),
    )
    _write(folder, "uniform", BASE.replace('name = "kompas"', 'name = "uniform"'))
    _write(folder, "anders", BASE)
    profiles = available_profiles(folder)
    assert "kompas" in profiles and "kapot" not in profiles and "anders" not in profiles
    assert profiles["uniform"].builtin  # the built-in one, never the impostor
    problems = "\n".join(profile_problems(folder))
    assert "Profiel kapot.toml, sleutel reader.skip_rows: onbekende sleutel" in problems
    assert (
        "Profiel uniform.toml, sleutel source.name: 'uniform' is de naam van een ingebouwd"
        in problems
    )
    assert (
        "Profiel anders.toml, sleutel source.name: 'kompas' moet gelijk zijn aan de bestandsnaam"
        in problems
    )
    with pytest.raises(ProfileError, match=r"kapot\.toml, sleutel reader\.skip_rows"):
        get_profile("kapot", folder)


def test_a_changed_profile_file_is_read_again(tmp_path: Path) -> None:
    """Every process reads the file as it is now: a saved change is seen at once."""
    folder = tmp_path / "profiles"
    path = _write(folder, "kompas", BASE)
    first = get_profile("kompas", folder)
    path.write_text(BASE.replace('label = "Kompas"', 'label = "Kompas 2"'), encoding="utf-8")
    second = get_profile("kompas", folder)
    assert (first.label, second.label) == ("Kompas", "Kompas 2")
    assert first.sha256 != second.sha256


def test_formats_are_shown_the_dutch_way() -> None:
    """A strptime pattern is shown as a reader writes it."""
    assert format_label("%d/%m/%Y") == "DD/MM/JJJJ"
    assert format_label("%Y-%m-%d %H:%M:%S") == "JJJJ-MM-DD UU:MM:SS"
    assert (
        formats_label(["%d/%m/%Y", "%d-%m-%y", "%Y-%m-%d"]) == "DD/MM/JJJJ, DD-MM-JJ of JJJJ-MM-DD"
    )


DOC_KEYS = re.findall(r"^### `([^`]+)`$", DOC, flags=re.M)


def test_the_doc_documents_every_key_and_no_other() -> None:
    """docs/profiles.md has a section for every key of the schema, and none for a key the
    schema does not have."""
    assert sorted(DOC_KEYS) == sorted(key_paths())
    assert len(DOC_KEYS) == len(set(DOC_KEYS))


def test_every_documented_key_has_an_example() -> None:
    """Each key's section holds a TOML example."""
    sections = re.split(r"^### ", DOC, flags=re.M)[1:]
    missing = [s.split("\n", 1)[0] for s in sections if "```toml" not in s]
    assert missing == []


def test_the_docs_complete_example_is_a_valid_profile() -> None:
    """The example profile in the doc passes validation."""
    example = re.search(r"## A complete example.*?```toml\n(.*?)```", DOC, flags=re.S)
    assert example is not None
    spec = parse_profile(example.group(1), "kompas.toml")
    assert spec.derive[0].value == "VRAAG_WEGGEVALLEN"
