"""Realistic legacy exports, written by the tests, each with the profile that imports it alone.

Every export has title lines above its header, a footer, dates in two formats, free-text
referrers that vary, a status column that implies a closure reason, birth dates and name
columns (children, parents, staff) that must never reach the store.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field

import xlsxwriter

CHILDREN = ["Lotte Vermeulen", "Jonas Desmet", "Noor Verhaeghe", "Wout Vanneste", "Fien Maes"]
PARENTS = ["Griet Vermeulen", "Koen Desmet", "Sabine Verhaeghe", "Dirk Vanneste", "Ans Maes"]
STAFF = ["Sofie Claeskens", "Pieter Vandamme", "Hilde Bogaerts"]


@dataclass(frozen=True)
class LegacyExport:
    """One export file, its profile, the region argument it needs, and what it must give."""

    name: str  # the profile's name
    file_name: str
    data: bytes
    profile: str  # the TOML text
    region: str | None  # --region, when the file does not say
    regions: tuple[str, ...]  # the regions its rows belong to
    accepted: int  # rows an import accepts
    rejected: int  # rows it quarantines (bad values, a line that does not split)
    footer_lines: int
    # Text that must be found nowhere in the store: names and raw family numbers.
    secrets: tuple[str, ...] = field(default_factory=tuple)


def _day(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(330))


def _record(rng: random.Random, i: int, year: int) -> dict[str, object]:
    """One registration as the source knows it."""
    received = _day(rng, year)
    status = rng.choice(["Afgesloten", "Afgesloten", "Lopend", "Geannuleerd"])
    contact = (
        None
        if status == "Geannuleerd"
        else received + dt.timedelta(days=rng.choice([3, 9, 20, 45]))
    )
    closed = received + dt.timedelta(days=rng.randrange(60, 200)) if status != "Lopend" else None
    born = dt.date(year - rng.randrange(3, 17), rng.randrange(1, 13), rng.randrange(1, 28))
    return {
        "i": i,
        "received": received,
        "contact": contact,
        "closed": closed,
        "status": status,
        "born": born,
        "child": CHILDREN[i % len(CHILDREN)],
        "parent": PARENTS[i % len(PARENTS)],
        "staff": STAFF[i % len(STAFF)],
    }


def kompas(seed: int = 1) -> LegacyExport:
    """A case tool's `;` CSV in cp1252: 51 rows and 16 columns, three title lines, a totals
    line, the region only in a title line, dd/mm/yyyy and dd-mm-yyyy dates, a status column."""
    rng = random.Random(seed)
    referrers = ["CLB Kortrijk", "CLB Menen", "clb Waregem", "Huis van het Kind Kortrijk",
                 "Kind & Gezin", "ouders", "Moeder", "OCJ", "Sociale dienst JRB", "huisarts"]  # fmt: skip
    header = ["Dossier", "Gezinsnummer", "Naam kind", "Naam ouder", "Geboortedatum",
              "Aanmelddatum", "Eerste contact", "Einddatum", "Verwezen door", "Vraag", "Traject",
              "Reden einde", "Status", "Begeleider", "Gemeente", "Opmerking"]  # fmt: skip
    lines = [
        "Kompas dossierbeheer - export aanmeldingen;;;",
        "Regio: Konekti",
        "Exportdatum: 03/02/2025",
        "",
    ]
    lines.append(";".join(header))
    families = []
    for i in range(51):
        r = _record(rng, i, 2023)
        fmt = "%d/%m/%Y" if i % 2 else "%d-%m-%Y"

        def d(value: object, fmt: str = fmt) -> str:
            return value.strftime(fmt) if isinstance(value, dt.date) else ""

        family = f"KP-{7000 + i // 2}"
        families.append(family)
        referrer = referrers[i % len(referrers)]
        reason = "afgerond" if r["status"] == "Afgesloten" else ""
        remark = "zie verslag" if i != 17 else "bellen na 17u; mama werkt"  # one ';' too many
        if i == 30:
            referrer = "Buurvrouw"  # no rule maps it: quarantined as an unknown code
        lines.append(
            ";".join(
                [
                    f"K{1000 + i}",
                    family,
                    str(r["child"]),
                    str(r["parent"]),
                    d(r["born"], "%d/%m/%Y"),
                    d(r["received"]),
                    d(r["contact"]),
                    d(r["closed"]),
                    referrer,
                    rng.choice(["opvoeding", "gedrag", "school"]),
                    rng.choice(["Gezinsplan", "Kortdurend", "Consult"]),
                    reason,
                    str(r["status"]),
                    str(r["staff"]),
                    rng.choice(["Kortrijk", "Menen", "Waregem"]),
                    remark,
                ]
            )
        )
    lines += ["Totaal;51 dossiers", ""]
    profile = """
[source]
name = "kompas"
label = "Kompas-export (legacy)"
kind = "registrations"
supports = ["intakes", "response_time", "referrers", "volume", "reach"]

[validation]
date_order = "keep"

[reader]
format = "csv"
delimiter = ";"
encoding = "cp1252"
header_row = "auto"
footer = ['^totaal\\b']
date_formats = ["%d/%m/%Y", "%d-%m-%Y"]

[columns]
source_record_id = "Dossier"
family_key = "Gezinsnummer"
birth_date = "Geboortedatum"
received_date = "Aanmelddatum"
first_contact_date = "Eerste contact"
closed_date = "Einddatum"
referrer = "Verwezen door"
request_nature = "Vraag"
response_type = "Traject"
closure_reason = "Reden einde"
municipality_name = "Gemeente"

[drop]
columns = ["Naam kind", "Naam ouder", "Begeleider", "Opmerking"]

[title]
region_code = '^regio:\\s*(.+)$'

[codes.region_code]
"konekti" = "KON"

[patterns.referrer]
'^clb\\b' = "CLB"
'huis van het kind|kind\\s*(&|en)\\s*gezin' = "HUIS_VAN_HET_KIND"
'^(ouders?|moeder|vader)$' = "CLIENT"
'^ocj\\b' = "GV"
'sociale dienst' = "SDJ"
'huisarts' = "MEDISCH"

[codes.request_nature]
"opvoeding" = "OPVOEDING"
"gedrag" = "GEDRAG_EMOTIONEEL"
"school" = "SCHOOL"

[codes.response_type]
"gezinsplan" = "GEZINSPLAN"
"kortdurend" = "KORTDURENDE_BEGELEIDING"
"consult" = "CONSULT"

[codes.closure_reason]
"afgerond" = "AFGEROND"

[[derive]]
field = "closure_reason"
column = "Status"
pattern = '^geannuleerd$'
value = "VRAAG_WEGGEVALLEN"
"""
    secrets = (*CHILDREN, *PARENTS, *STAFF, *families, "mama werkt")
    return LegacyExport(
        "kompas", "kompas-export.csv", ("\r\n".join(lines)).encode("cp1252"), profile, None,
        ("KON",), accepted=49, rejected=2, footer_lines=1, secrets=secrets,
    )  # fmt: skip


def zorgpunt(seed: int = 2) -> LegacyExport:
    """A hand-kept XLSX with two title rows, a region written once per block (filled down),
    consults as rows of their own type, real date cells and dd.mm.yyyy text dates, partners,
    and a footer of two rows."""
    rng = random.Random(seed)
    referrers = ["CLB Gent", "CLB Sint-Niklaas", "Kind en Gezin regio Gent", "school De Vlinder",
                 "Vertrouwenscentrum", "OCJ Oost-Vlaanderen", "mama", "jongere zelf"]  # fmt: skip
    header = ["Regio", "Nr", "Type", "Familie-ID", "Voornaam", "Achternaam", "Geboren",
              "Datum vraag", "Datum eerste gesprek", "Datum afsluiting", "Aanmelder", "Aanbod",
              "Afsluitreden", "Status", "Partners", "Woonplaats", "Begeleider"]  # fmt: skip
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Export")
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write(0, 0, "Zorgpunt rapportage aanmeldingen")
    sheet.write(1, 0, "Periode: 2024")
    sheet.write_row(3, 0, header)
    families = []
    rows = 40
    for i in range(rows):
        r = _record(rng, i, 2024)
        row = 4 + i
        region = "Samen1Plan Gent" if i == 0 else "Waas en Dender" if i == 20 else ""
        first, last = str(r["child"]).split(" ", 1)
        family = f"ZP{500 + i // 3:04d}"
        families.append(family)
        kind = "Consult" if i % 5 == 4 else "Aanmelding"
        status = {"Geannuleerd": "Gestopt door gezin"}.get(str(r["status"]), str(r["status"]))
        values: list[object] = [region, f"Z-{i}", kind, family, first, last, r["born"], r["received"],
                                r["contact"], r["closed"], referrers[i % len(referrers)],
                                rng.choice(["Gezinsplan", "Overbrugging", "Vraagverheldering"]),
                                "Afgerond" if r["status"] == "Afgesloten" else "", status,
                                rng.choice(["CAW Oost-Vlaanderen, CGG Eclips", "CLB Gent", ""]),
                                rng.choice(["Gent", "Lokeren", "Aalst"]), r["staff"]]  # fmt: skip
        for col, value in enumerate(values):
            if isinstance(value, dt.date):
                # Half the dates typed as text, the other half kept by Excel as dates.
                if i % 2 and col in (7, 8):
                    sheet.write_string(row, col, value.strftime("%d.%m.%Y"))
                else:
                    sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), dates)
            elif value not in (None, ""):
                sheet.write(row, col, value)
    sheet.write(4 + rows + 1, 0, "Aantal dossiers: 40")
    sheet.write(4 + rows + 2, 0, "Einde rapport")
    book.close()
    profile = """
[source]
name = "zorgpunt"
label = "Zorgpunt-register (legacy)"
kind = "registrations"
supports = ["intakes", "consults", "response_time", "referrers", "volume", "reach", "partners"]

[validation]
date_order = "keep"

[reader]
format = "xlsx"
sheet = "Export"
header_row = 4
footer = ['^aantal dossiers', '^einde rapport']
date_formats = ["%d.%m.%Y"]

[columns]
region_code = "Regio"
source_record_id = "Nr"
kind = "Type"
family_key = "Familie-ID"
birth_date = "Geboren"
received_date = "Datum vraag"
first_contact_date = "Datum eerste gesprek"
closed_date = "Datum afsluiting"
referrer = "Aanmelder"
response_type = "Aanbod"
closure_reason = "Afsluitreden"
partners = "Partners"
municipality_name = "Woonplaats"

[drop]
columns = ["Voornaam", "Achternaam", "Begeleider"]

[fill_down]
fields = ["region_code"]

[codes.region_code]
"samen1plan gent" = "GNT"
"waas en dender" = "WAD"

[codes.kind]
"aanmelding" = "aanmelding"
"consult" = "consult"

[patterns.referrer]
'^clb\\b' = "CLB"
'kind en gezin' = "HUIS_VAN_HET_KIND"
'^school\\b' = "ONDERWIJS"
'vertrouwenscentrum|^ocj\\b' = "GV"
'^(mama|papa|ouders?)$' = "CLIENT"
'zelf$' = "CLIENT"

[codes.response_type]
"gezinsplan" = "GEZINSPLAN"
"overbrugging" = "OVERBRUGGING"
"vraagverheldering" = "VRAAGVERHELDERING"

[codes.closure_reason]
"afgerond" = "AFGEROND"

[[derive]]
field = "closure_reason"
column = "Status"
pattern = 'gestopt door gezin'
value = "CLIENT_HAAKT_AF"

[partners]
separator = ","
sector_keywords = [["CLB", "CLB"], ["CAW", "CAW"], ["CGG", "CGG"]]
"""
    # Surnames (Achternaam): a first name alone ("Noor") is part of reference names (Noord-…).
    names = [full.split(" ", 1)[1] for full in CHILDREN]
    return LegacyExport(
        "zorgpunt", "zorgpunt.xlsx", buffer.getvalue(), profile, None, ("GNT", "WAD"),
        accepted=rows, rejected=0, footer_lines=2, secrets=(*names, *STAFF, *families),
    )  # fmt: skip


def sherpa(seed: int = 3) -> LegacyExport:
    """A UTF-8 CSV with BOM and commas: one title line, ISO and dd/mm/yyyy dates, no region in
    the file (chosen at import), a three-line footer naming who printed it."""
    rng = random.Random(seed)
    referrers = ["CAW Leuven", "caw", "OCMW Tienen", "Sociaal Huis Diest", "CLB GO! Leuven",
                 "ziekenhuis", "Jongerenwelzijn", "de ouders"]  # fmt: skip
    header = ["ID", "Klantnummer", "Naam", "Geboortedatum", "Datum aanmelding",
              "Datum eerste contact", "Datum einde", "Doorverwijzer", "Soort vraag", "Interventie",
              "Reden stop", "Dossierstatus", "Medewerker", "Gemeente"]  # fmt: skip
    lines = ["Sherpa - alle dossiers" + "," * (len(header) - 1), ",".join(header)]
    families = []
    for i in range(30):
        r = _record(rng, i, 2022)
        fmt = "%Y-%m-%d" if i % 3 else "%d/%m/%Y"

        def d(value: object, fmt: str = fmt) -> str:
            return value.strftime(fmt) if isinstance(value, dt.date) else ""

        family = f"SH/{300 + i}"
        families.append(family)
        status = {"Geannuleerd": "Afgebroken"}.get(str(r["status"]), str(r["status"]))
        lines.append(
            ",".join(
                [
                    f"S{i}",
                    family,
                    f'"{r["parent"]}"',
                    d(r["born"]),
                    d(r["received"]),
                    d(r["contact"]),
                    d(r["closed"]),
                    referrers[i % len(referrers)],
                    rng.choice(["Opvoedingsvraag", "Psychisch welzijn", "Gedragsproblemen"]),
                    rng.choice(["Gezinsplan", "Zorgcoördinatie", "Consult"]),
                    "Doorverwezen naar RTJ" if r["status"] == "Afgesloten" else "",
                    status,
                    str(r["staff"]),
                    rng.choice(["Leuven", "Tienen", "Diest"]),
                ]
            )
        )
    lines += ["---", "Totaal: 30 dossiers", f"Afgedrukt op 2025-02-03 door {STAFF[0]}"]
    profile = """
[source]
name = "sherpa"
label = "Sherpa-export (legacy)"
kind = "registrations"
supports = ["intakes", "response_time", "referrers", "volume", "reach"]
requires_region = true

[validation]
date_order = "keep"

[reader]
format = "csv"
delimiter = "auto"
encoding = "auto"
header_row = 2
footer = ['^-{3,}$', '^totaal']
date_formats = ["%Y-%m-%d", "%d/%m/%Y"]

[columns]
source_record_id = "ID"
family_key = "Klantnummer"
birth_date = "Geboortedatum"
received_date = "Datum aanmelding"
first_contact_date = "Datum eerste contact"
closed_date = "Datum einde"
referrer = "Doorverwijzer"
request_nature = "Soort vraag"
response_type = "Interventie"
closure_reason = "Reden stop"
municipality_name = "Gemeente"

[drop]
columns = ["Naam", "Medewerker"]

[patterns.referrer]
'^caw\\b' = "CAW"
'^(ocmw|sociaal huis)\\b' = "LOKAAL_BESTUUR"
'^clb\\b' = "CLB"
'ziekenhuis' = "MEDISCH"
'jongerenwelzijn' = "JEUGDHULP"
'ouders' = "CLIENT"

[patterns.request_nature]
'^opvoeding' = "OPVOEDING"
'psychisch' = "PSYCHISCH"
'gedrag' = "GEDRAG_EMOTIONEEL"

[codes.response_type]
"gezinsplan" = "GEZINSPLAN"
"zorgcoördinatie" = "ZORGCOORDINATIE"
"consult" = "CONSULT"

[codes.closure_reason]
"doorverwezen naar rtj" = "DOORVERWEZEN_RTJ"

[[derive]]
field = "closure_reason"
column = "Dossierstatus"
pattern = '^afgebroken$'
value = "CLIENT_HAAKT_AF"
"""
    return LegacyExport(
        "sherpa", "sherpa.csv", ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"), profile,
        "HAG", ("HAG",), accepted=30, rejected=0, footer_lines=3,
        secrets=(*PARENTS, *STAFF, *families),
    )  # fmt: skip


def exports() -> list[LegacyExport]:
    """Every export of the corpus."""
    return [kompas(), zorgpunt(), sherpa()]
