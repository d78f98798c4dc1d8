"""A corpus of broken source files, generated on demand (nothing big is committed)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

import xlsxwriter

UNIFORM_HEADER = [
    "registration_id", "family_id", "region_code", "nis_code", "kind", "received_date",
    "first_contact_date", "closed_date", "referrer", "request_nature", "response_type",
    "closure_reason", "child_age", "partners",
]  # fmt: skip
CASE_HEADER = [
    "VraagID", "ClientID", "Type", "Ontvangen", "EersteContact", "Afgesloten", "AanmelderCode",
    "VraagCode", "AntwoordCode", "AfsluitCode", "Postcode", "Geboortejaar", "Partners",
    "ClientNaam", "Rijksregisternr", "Straat",
]  # fmt: skip
SHEET_HEADER = [
    "Dossiernr", "Naam kind", "Datum aanmelding", "Aanmelder", "Aard van de vraag", "Aanbod",
    "Datum 1e contact", "Afsluitdatum", "Reden afsluiting", "Gemeente", "Leeftijd",
    "Betrokken partners", "Adres", "Opmerkingen",
]  # fmt: skip


def uniform_row(i: int, received: str = "2022-01-31") -> list[str]:
    return [
        f"U{i}", f"F{i}", "KON", "34022", "aanmelding", received, "2022-02-20", "", "CLB",
        "OPVOEDING", "GEZINSPLAN", "", "12", "CLB:CLB Kortrijk",
    ]  # fmt: skip


def case_row(i: int, received: str = "2020-03-05 00:00:00") -> list[str]:
    return [
        str(100 + i), f"C{i}", "1", received, "2020-03-20 00:00:00", "", "30", "2", "3", "",
        "9000", "2010", "CGG Eclips|CAW Oost-Vlaanderen", "Zoë Janssens", "10.01.01-123.45",
        "Veldstraat 9",
    ]  # fmt: skip


def sheet_row(i: int) -> list[object]:
    return [
        f"2019-{i:03d}", "Jan Peeters", dt.date(2019, 3, 4), "Huis v/h Kind", "Opvoeding",
        "Gezinsplan", "12/03/2019", None, None, "Kortrijk", 7, "CLB Kortrijk", "Kerkstraat 1", "",
    ]  # fmt: skip


def _csv(header: list[str], rows: list[list[str]], sep: str) -> str:
    return "\n".join(sep.join(r) for r in [header, *rows]) + "\n"


def uniform_text(rows: list[list[str]]) -> str:
    return _csv(UNIFORM_HEADER, rows, ",")


def case_text(rows: list[list[str]]) -> str:
    return _csv(CASE_HEADER, rows, ";")


def write_sheet(
    path: Path, rows: list[list[object]], *, header: list[str] = SHEET_HEADER,
    sheet: str = "Aanmeldingen", formulas: bool = False,
) -> Path:  # fmt: skip
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(sheet)
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), dates)
            elif value is not None:
                ws.write(r, c, value)
        if formulas and r % 2 == 0:
            ws.write_formula(r, 10, "=7+5", None, 12)
            ws.write_formula(r, 0, '=HYPERLINK("http://x","2019-999")', None, "2019-999")
    book.close()
    return path


FIVE_DATES = ["2022-01-31", "31/01/2022", "01/31/2022", "31.01.2022", "20220131", "31-jan-2022"]


def _uniform_cases(rng: random.Random) -> dict[str, bytes]:
    good = uniform_text([uniform_row(i) for i in range(20)]).encode()
    many = [f"extra_{i}" for i in range(10_000 - len(UNIFORM_HEADER))]
    wide = "\n".join(
        ",".join(r)
        for r in [UNIFORM_HEADER + many] + [uniform_row(i) + ["x"] * len(many) for i in range(3)]
    )
    return {
        "truncated": good[: len(good) // 2 + 7],
        "truncated-in-quote": good + b'U99,F99,KON,34022,aanmelding,2022-01-31,"2022-02',
        "binary": bytes(rng.randrange(256) for _ in range(4096)),
        "nul-bytes": good.replace(b"KON", b"K\x00N", 3),
        "utf16": uniform_text([uniform_row(1)]).encode("utf-16"),
        "latin1": uniform_text([[*uniform_row(1)[:13], "CLB:École Sainte-Thérèse"]]).encode(
            "latin-1"
        ),
        "bom-only": b"\xef\xbb\xbf",
        "header-only": uniform_text([]).encode(),
        "columns-10000": wide.encode(),
        "giant-line": ("x" * 5_000_000).encode(),
        "giant-field": uniform_text([[*uniform_row(1)[:13], "CLB:" + "y" * 200000]]).encode(),
        "formulas": uniform_text(
            [
                [*uniform_row(i)[:13], f]
                for i, f in enumerate(
                    ["=1+1", "+cmd|' /C calc'!A0", "@SUM(1;2)", "-2+3", '=HYPERLINK("http://x")']
                )
            ]
        ).encode(),
        "quoted-newlines": (
            ",".join(UNIFORM_HEADER)
            + "\nU1,F1,KON,34022,aanmelding,2022-01-31,,,CLB,OPVOEDING,GEZINSPLAN,,12,"
            + '"CLB:CLB\nKortrijk"\r\nU2,F2,KON,34022,aanmelding,2022-01-31,,,CLB,OPVOEDING,'
            + 'GEZINSPLAN,,12,"CLB:""quoted"" name"\n'
        ).encode(),
        "dates-five-formats": uniform_text(
            [uniform_row(i, d) for i, d in enumerate(FIVE_DATES)]
        ).encode(),
        "duplicate-header": uniform_text([uniform_row(1)]).replace("partners", "kind").encode(),
        "semicolons": uniform_text([uniform_row(1)]).replace(",", ";").encode(),
        "ragged-rows": (
            uniform_text([uniform_row(1)]) + "U2,F2,KON\n" + ",".join([*uniform_row(3), "extra"])
        ).encode(),
        "crlf-and-blank-lines": uniform_text([uniform_row(1), [""], uniform_row(2)])
        .replace("\n", "\r\n")
        .encode(),
        "xlsx-bytes-as-csv": b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(512)),
    }


def _case_cases(rng: random.Random) -> dict[str, bytes]:
    good = case_text([case_row(i) for i in range(20)]).encode("cp1252")
    return {
        "truncated": good[: len(good) // 2 + 3],
        "binary": bytes(rng.randrange(256) for _ in range(4096)),
        "utf8-instead-of-cp1252": case_text([case_row(1)]).encode("utf-8"),
        "undefined-cp1252-byte": case_text([case_row(1)]).encode("cp1252").replace(b"Zo", b"\x81o"),
        "commas": case_text([case_row(1)]).replace(";", ",").encode("cp1252"),
        "dates-five-formats": case_text(
            [
                case_row(i, d)
                for i, d in enumerate(
                    ["2020-03-05 00:00:00", "05/03/2020", "2020-03-05", "5-3-2020 0:00", "20200305"]
                )
            ]
        ).encode("cp1252"),
        "quoted-newlines": case_text(
            [[*case_row(1)[:12], '"CGG\nEclips"', *case_row(1)[13:]]]
        ).encode("cp1252"),
        "giant-line": (";" * 3_000_000).encode(),
    }


def _sheet_cases(directory: Path) -> dict[str, bytes]:
    good = write_sheet(directory / "_good.xlsx", [sheet_row(i) for i in range(1, 6)]).read_bytes()
    formulas = write_sheet(
        directory / "_formulas.xlsx", [sheet_row(i) for i in range(1, 7)], formulas=True
    ).read_bytes()
    wrong_sheet = write_sheet(directory / "_sheet.xlsx", [sheet_row(1)], sheet="Blad1")
    wide = write_sheet(
        directory / "_wide.xlsx",
        [[*sheet_row(1), *["x"] * 200]],
        header=[*SHEET_HEADER, *[f"extra {i}" for i in range(10_000 - len(SHEET_HEADER))]],
    )
    dates = [sheet_row(i) for i in range(1, 6)]
    for row, text in zip(
        dates, ["04/03/2019", "2019-03-04", "3/4/2019", "04.03.2019", "4 mrt"], strict=True
    ):
        row[2] = text
    return {
        "truncated": good[: len(good) // 2],
        "formulas": formulas,
        "wrong-sheet": wrong_sheet.read_bytes(),
        "columns-10000": wide.read_bytes(),
        "dates-five-formats": write_sheet(directory / "_dates.xlsx", dates).read_bytes(),
        "csv-as-xlsx": uniform_text([uniform_row(1)]).encode(),
        "zip-not-xlsx": b"PK\x05\x06" + b"\x00" * 18,
    }


# profile → (suffix, region, builder)
PROFILES: dict[str, tuple[str, str | None, Callable[[random.Random, Path], dict[str, bytes]]]] = {
    "uniform": (".csv", None, lambda rng, _d: _uniform_cases(rng)),
    "case_tool": (".csv", "GNT", lambda rng, _d: _case_cases(rng)),
    "spreadsheet": (".xlsx", "KON", lambda _rng, d: _sheet_cases(d)),
}


def build_corpus(directory: Path, seed: int = 10) -> list[tuple[str, str | None, Path]]:
    """Write every broken file; returns (profile, region, path) triples."""
    rng = random.Random(seed)
    out: list[tuple[str, str | None, Path]] = []
    for profile, (suffix, region, build) in PROFILES.items():
        folder = directory / profile
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in build(rng, folder).items():
            path = folder / f"{name}{suffix}"
            path.write_bytes(data)
            out.append((profile, region, path))
    return out
