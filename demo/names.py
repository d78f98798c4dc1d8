"""Fake people, streets and regional organisation names, and the free-text spellings of codes."""

from __future__ import annotations

from typing import Final

import numpy as np

FIRST_NAMES: Final = (
    "Emma",
    "Louise",
    "Olivia",
    "Mila",
    "Elena",
    "Nora",
    "Ella",
    "Marie",
    "Julie",
    "Lina",
    "Noor",
    "Fien",
    "Lotte",
    "Hanne",
    "Amber",
    "Yasmine",
    "Sara",
    "Lore",
    "Febe",
    "Anouk",
    "Nina",
    "Ines",
    "Lieze",
    "Jana",
    "Aya",
    "Zoë",
    "Eline",
    "Axelle",
    "Lena",
    "Fleur",
    "Noah",
    "Arthur",
    "Louis",
    "Jules",
    "Lucas",
    "Liam",
    "Adam",
    "Victor",
    "Mohamed",
    "Finn",
    "Vic",
    "Lars",
    "Mathis",
    "Warre",
    "Seppe",
    "Wout",
    "Lander",
    "Kobe",
    "Jonas",
    "Milan",
    "Rayan",
    "Matteo",
    "Gust",
    "Siebe",
    "Tuur",
    "Stan",
    "Bram",
    "Ibrahim",
    "Elias",
    "Daan",
    "Senne",
    "Jasper",
    "Thibo",
    "Ruben",
)

LAST_NAMES: Final = (
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Lambert",
    "Dupont",
    "Martens",
    "Hermans",
    "Vermeulen",
    "Pauwels",
    "Van den Broeck",
    "Leclercq",
    "De Backer",
    "Declercq",
    "Michiels",
    "Verstraete",
    "Vandenberghe",
    "Desmet",
    "Van Damme",
    "Cools",
    "Verhoeven",
    "Segers",
    "Aerts",
    "Smets",
    "Claeys",
    "Hendrickx",
    "Stevens",
    "Vermeersch",
    "Van de Velde",
    "Coppens",
    "Wuyts",
    "Lemmens",
    "De Clercq",
    "Baert",
    "Bogaerts",
    "Nys",
    "Van Dyck",
    "Thys",
    "Mahieu",
    "Verbeke",
    "De Vos",
    "Huysmans",
    "Vos",
    "Geerts",
    "Parmentier",
    "Bulut",
    "Yilmaz",
    "El Amrani",
    "Benali",
    "Kowalski",
    "Nowak",
    "Diallo",
    "Rossi",
    "Moreau",
    "Verlinden",
    "Sels",
    "Deprez",
    "Van Acker",
    "Dewulf",
    "Bracke",
    "Coene",
    "Vanhoutte",
    "Demeyer",
    "Lievens",
    "Ceulemans",
    "Boeckx",
    "Schepens",
    "Cornelis",
    "Van Hoof",
    "Heylen",
    "Luyten",
    "Vandamme",
)

STREETS: Final = (
    "Kerkstraat",
    "Stationsstraat",
    "Schoolstraat",
    "Molenstraat",
    "Dorpsstraat",
    "Nieuwstraat",
    "Kapelstraat",
    "Beekstraat",
    "Lindenlaan",
    "Kasteelstraat",
    "Veldstraat",
    "Hoogstraat",
)

NOTES: Final = (
    "Mama belt zelf terug na gesprek met CLB.",
    "Wachtlijst CGG, overbrugging gevraagd.",
    "Papa moeilijk bereikbaar, via school contact.",
    "Eerste gesprek thuis gepland.",
    "Gezin kent al begeleiding via OCMW.",
    "Vraag rond schoolweigering.",
    "Jongere wil zelf hulp, ouders nog niet mee.",
    "Opvolging na crisisopname.",
    "Overleg met huisarts afgesproken.",
    "Broer ook in begeleiding.",
)

# Free text as coordinators type it, all keys of spreadsheet.toml's code tables (compared without
# case and surrounding spaces); the first spelling is the common one.
REFERRER_TEXT: Final = {
    "CLB": ("CLB", "clb", "CLB ", "Clb"),
    "HUIS_VAN_HET_KIND": ("Huis v/h Kind", "Huis van het Kind", "Kind en Gezin", "K&G"),
    "CAW": ("CAW", "caw"),
    "LOKAAL_BESTUUR": ("OCMW", "Sociaal Huis", "ocmw"),
    "ONDERWIJS": ("School", "school"),
    "MEDISCH": ("Huisarts", "Ziekenhuis", "huisarts"),
    "JEUGDHULP": ("CGG", "CKG", "VAPH"),
    "GV": ("OCJ", "VK", "Vertrouwenscentrum", "ocj"),
    "SDJ": ("Sociale dienst JRB", "SDJ", "sociale dienst jrb"),
    "CLIENT": ("ouders", "Ouders", "jongere", "Gezin"),
    "ANDERE": ("andere", "Andere"),
    "ONBEKEND": ("?",),
}
REQUEST_TEXT: Final = {
    "OPVOEDING": ("Opvoeding", "opvoeding"),
    "GEDRAG_EMOTIONEEL": ("Gedrag", "emotioneel", "gedrag"),
    "PSYCHISCH": ("Psychisch", "psychisch"),
    "GEZIN_RELATIES": ("Gezin", "relaties"),
    "ONTWIKKELING_HANDICAP": ("Ontwikkeling", "handicap"),
    "SCHOOL": ("School",),
    "MATERIEEL": ("Financieel", "wonen"),
    "VERONTRUSTING": ("Verontrusting",),
    "ANDERE": ("andere",),
    "ONBEKEND": ("",),  # the spreadsheet has no word for it: left empty
}
RESPONSE_TEXT: Final = {
    "CONSULT": ("Consult",),
    "VRAAGVERHELDERING": ("Vraagverheldering", "vraagverheldering"),
    "GEZINSPLAN": ("Gezinsplan",),
    "KORTDURENDE_BEGELEIDING": ("Kortdurend", "kortdurend"),
    "OVERBRUGGING": ("Overbrugging",),
    "ZORGCOORDINATIE": ("Zorgcoördinatie", "zorgcoordinatie"),
    "ELP": ("ELP", "elp"),
    "DOORVERWIJZING": ("Doorverwijzing",),
}
CLOSURE_TEXT: Final = {
    "AFGEROND": ("Afgerond", "afgerond"),
    "DOORVERWEZEN_RTJ": ("Doorverwezen RTJ",),
    "DOORVERWEZEN_NRTJ": ("Doorverwezen NRTJ",),
    "CLIENT_HAAKT_AF": ("Haakt af", "haakt af"),
    "VRAAG_WEGGEVALLEN": ("Vraag weggevallen",),
    "ANDERE": ("Andere",),
}
# case_tool.toml's numeric code tables, inverted; ONBEKEND has no request-nature code: empty.
CASE_TOOL_CODES: Final = {
    "referrer": {
        "CLB": "10", "HUIS_VAN_HET_KIND": "11", "CAW": "12", "LOKAAL_BESTUUR": "13",
        "ONDERWIJS": "14", "MEDISCH": "15", "JEUGDHULP": "20", "GV": "30", "SDJ": "31",
        "CLIENT": "40", "ANDERE": "90", "ONBEKEND": "99",
    },
    "request_nature": {
        "OPVOEDING": "1", "GEDRAG_EMOTIONEEL": "2", "PSYCHISCH": "3", "GEZIN_RELATIES": "4",
        "ONTWIKKELING_HANDICAP": "5", "SCHOOL": "6", "MATERIEEL": "7", "VERONTRUSTING": "8",
        "ANDERE": "9", "ONBEKEND": "",
    },
    "response_type": {
        "CONSULT": "1", "VRAAGVERHELDERING": "2", "GEZINSPLAN": "3",
        "KORTDURENDE_BEGELEIDING": "4", "OVERBRUGGING": "5", "ZORGCOORDINATIE": "6", "ELP": "7",
        "DOORVERWIJZING": "8",
    },
    "closure_reason": {
        "AFGEROND": "1", "DOORVERWEZEN_RTJ": "2", "DOORVERWEZEN_NRTJ": "3",
        "CLIENT_HAAKT_AF": "4", "VRAAG_WEGGEVALLEN": "5", "ANDERE": "9",
    },
}  # fmt: skip

# Regional CAWs by province: each name holds the legacy profiles' sector keyword "CAW".
_CAW: Final = {
    "Antwerpen": "CAW Antwerpen",
    "Limburg": "CAW Limburg",
    "Oost-Vlaanderen": "CAW Oost-Vlaanderen",
    "Vlaams-Brabant": "CAW Oost-Brabant",
    "West-Vlaanderen": "CAW Centraal-West-Vlaanderen",
    "Brussels Hoofdstedelijk Gewest": "CAW Brussel",
}


def partner_pool(region_code: str, province: str, towns: list[str]) -> list[tuple[str, str]]:
    """(sector, name) of the organisations a network works with, most frequent first.

    Every name contains the keyword the legacy profiles map to its sector (and no other
    keyword), and no separator or colon, so the same name serves all three formats.
    """
    main, *others = towns or [region_code]
    second = others[0] if others else main
    third = others[1] if len(others) > 1 else second
    pool = [
        ("CLB", f"VCLB {main}"),
        ("CAW", _CAW.get(province, "CAW Centraal")),
        ("CGG", f"CGG {main}"),
        ("KIND_EN_GEZIN", f"Huis van het Kind {main}"),
        ("JEUGDHULP", f"CKG De Schommel {main}"),
        ("LOKAAL_BESTUUR", f"OCMW {main}"),
        ("CLB", f"CLB GO! {second}"),
        ("JEUGDHULP", f"Thuisbegeleidingsdienst {second}"),
        ("VAPH", f"MFC De Kade {second}"),
        ("ONDERWIJS", f"GO! School {main}"),
        ("LOKAAL_BESTUUR", f"Sociaal Huis {second}"),
        ("KIND_EN_GEZIN", f"Kind en Gezin regio {province}"),
        ("JEUGDHULP", f"Jongerenwelzijn regio {province}"),
        ("CGG", f"CGG {second}"),
        ("ONDERWIJS", f"Sint-Jozef School {second}"),
        ("ANDERE", f"AZ {main}"),
        ("ANDERE", f"Politiezone {main}"),
        ("KIND_EN_GEZIN", f"Huis van het Kind {third}"),
        ("LOKAAL_BESTUUR", f"OCMW {third}"),
        ("VAPH", f"VAPH-dienst {third}"),
        ("ANDERE", f"Huisartsenkring {second}"),
        ("CLB", f"VCLB {third}"),
    ]
    return [
        (sector, name.replace(":", " ").replace(";", " ").replace("|", " "))
        for sector, name in pool
    ]


def child_names(rng: np.random.Generator, count: int) -> list[str]:
    """`count` distinct fake child names: mostly one surname, some double ones."""
    first, last = len(FIRST_NAMES), len(LAST_NAMES)
    # At most 70% of the single-surname space, so the draw stays spread; the rest double.
    singles = min(count, int(first * last * 0.7))
    names = [
        f"{FIRST_NAMES[given]} {LAST_NAMES[surname]}"
        for given, surname in (
            divmod(int(p), last) for p in rng.choice(first * last, singles, replace=False)
        )
    ]
    if count > singles:
        picks = rng.choice(first * last * last, count - singles, replace=False)
        for pick in picks.tolist():
            given, rest = divmod(int(pick), last * last)
            surname, second = divmod(rest, last)
            # A double surname repeating itself would look wrong: shift the second one.
            second = (second + 1) % last if second == surname else second
            names.append(f"{FIRST_NAMES[given]} {LAST_NAMES[surname]}-{LAST_NAMES[second]}")
    order = rng.permutation(count)
    return [names[i] for i in order.tolist()]
