"""The mapping screen's building blocks: suggestions, the TOML it writes, and saving."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_access.ingest.builder import (
    Choices,
    build_profile,
    profile_toml,
    read_sample,
    reader_spec,
    save_profile,
    suggest_codes,
    suggest_columns,
    suggest_drop,
    suggest_footer,
)
from data_access.ingest.profiles import ProfileError, available_profiles, get_profile, parse_profile
from tests.corpus.legacy import kompas, sherpa, zorgpunt


def _choices(name: str = "proef") -> Choices:
    return Choices(
        name=name,
        label='Export "Proef" \\ met ; tekens',
        reader=reader_spec("x.csv", delimiter=";", header_row=3, footer="^totaal\\b"),
        columns={
            "source_record_id": "Nr",
            "family_key": "Gezin",
            "received_date": "Datum",
            "referrer": "Via",
        },
        codes={"referrer": {"CLB Menen": "CLB", 'de "ouders"': "CLIENT"}},
        region_title="^regio:\\s*(.+)$",
        derive=[("closure_reason", "Status", "Geannuleerd (tel.)", "VRAAG_WEGGEVALLEN")],
        drop=["Naam", "Adres"],
        supports=["intakes", "referrers"],
        date_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )


def test_the_written_toml_is_the_profile_that_was_chosen() -> None:
    """Quotes, backslashes and punctuation survive; the text validates back to the choices."""
    spec = parse_profile(profile_toml(_choices()), "proef.toml")
    assert spec.source.label == 'Export "Proef" \\ met ; tekens'
    assert spec.reader.header_row == 3 and spec.reader.footer == ["^totaal\\b"]
    assert spec.codes["referrer"] == {"CLB Menen": "CLB", 'de "ouders"': "CLIENT"}
    assert spec.title["region_code"] == "^regio:\\s*(.+)$"
    assert spec.derive[0].pattern == "^geannuleerd\\ \\(tel\\.\\)$"
    assert spec.drop.columns == ["Naam", "Adres"]
    assert spec.source.supports == ["intakes", "referrers"]


@pytest.mark.parametrize("export", [kompas(), zorgpunt(), sherpa()], ids=lambda e: e.name)
def test_columns_and_personal_headers_are_suggested(export: object) -> None:
    """Each corpus export's record, family, date and referrer columns are found, and its name
    columns are suggested for dropping."""
    sample = read_sample(export.data, export.file_name, reader_spec(export.file_name))  # type: ignore[attr-defined]
    profile = parse_profile(export.profile, "x.toml")  # type: ignore[attr-defined]
    found = suggest_columns(sample.headers, available_profiles().values())
    for field in (
        "source_record_id",
        "family_key",
        "received_date",
        "first_contact_date",
        "referrer",
        "birth_date",
    ):
        assert found[field] == profile.columns[field], field
    drop = suggest_drop(sample.headers, found.values())
    assert set(profile.drop.columns) <= set(drop)
    assert suggest_footer(sample) != ""


def test_codes_are_suggested_from_code_lists_and_earlier_profiles() -> None:
    """A code, a Dutch label, an earlier profile's entry or the known text a value starts with;
    nothing for a value nobody knows."""
    found = suggest_codes(
        "referrer",
        ["CLB Menen", "Gezin of jongere zelf", "huis v/h kind", "OCJ", "Buurvrouw"],
        available_profiles().values(),
    )
    assert found == {
        "CLB Menen": "CLB",
        "Gezin of jongere zelf": "CLIENT",
        "huis v/h kind": "HUIS_VAN_HET_KIND",
        "OCJ": "GV",
    }


def test_saving_refuses_builtin_and_existing_names_and_is_read_at_once(tmp_path: Path) -> None:
    """A built-in name is refused; an existing profile only replaced on request; a saved
    profile is read by the next lookup."""
    folder = tmp_path / "profiles"
    with pytest.raises(ProfileError, match="'uniform' is de naam van een ingebouwd profiel"):
        build_profile(_choices("uniform"), folder)
    text, _profile = build_profile(_choices(), folder)
    path = save_profile(text, folder)
    assert get_profile("proef", folder).label.startswith("Export")
    with pytest.raises(ProfileError, match="bestaat al"):
        save_profile(text, folder)
    save_profile(text.replace("Export", "Uitvoer"), folder, replace=True)
    assert get_profile("proef", folder).label.startswith("Uitvoer")
    assert [p.name for p in folder.iterdir()] == [path.name]  # no temporary file left behind


def test_values_sharing_a_first_word_become_a_pattern_for_the_next_variant(
    engine: object, settings: object
) -> None:
    """'CLB Kortrijk' and 'CLB Menen' mapped to CLB are saved as the rule '^clb\\b', so a
    file with 'CLB Roeselare' is mapped too; a value of its own stays an exact entry."""
    from data_access.ingest.dry_run import dry_run

    choices = _choices()
    choices.columns = {
        "source_record_id": "Nr",
        "family_key": "Gezin",
        "received_date": "Datum",
        "referrer": "Via",
    }
    choices.codes = {"referrer": {"CLB Kortrijk": "CLB", "CLB Menen": "CLB", "Moeder": "CLIENT"}}
    choices.region_title, choices.requires_region, choices.derive = "", True, []
    choices.reader = reader_spec("x.csv", delimiter=";")
    _text, profile = build_profile(choices, Path("."))
    assert profile.patterns("referrer") == [("^clb\\b", "CLB")]
    assert profile.spec.codes["referrer"] == {"Moeder": "CLIENT"}
    data = b"Nr;Gezin;Datum;Via\n1;G1;05/03/2023;CLB Roeselare\n2;G2;06/03/2023;moeder\n"
    run = dry_run(engine, settings, data, profile, region="KON", name="nieuw.csv")  # type: ignore[arg-type]
    assert (run.rows_accepted, run.rows_rejected) == (2, 0)
    assert run.staged.rows.sort("_line")["referrer"].to_list() == ["CLB", "CLIENT"]
