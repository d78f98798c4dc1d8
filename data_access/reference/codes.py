"""Harmonised code lists with Dutch labels (docs/design.md §3).

Codes are stable; labels are UI text.
"""

from __future__ import annotations

from typing import Final

KINDS: Final = {"aanmelding": "Aanmelding", "consult": "Consultvraag"}

REFERRERS: Final = {
    "CLB": "CLB",
    "HUIS_VAN_HET_KIND": "Huis van het Kind / Kind en Gezin",
    "CAW": "CAW",
    "LOKAAL_BESTUUR": "Lokaal bestuur (OCMW, sociaal huis)",
    "ONDERWIJS": "Onderwijs (school, niet CLB)",
    "MEDISCH": "Medisch (huisarts, ziekenhuis)",
    "JEUGDHULP": "Andere jeugdhulp (CKG, CGG, VAPH, JWW)",
    "GV": "Gemandateerde voorzieningen (OCJ, VK)",
    "SDJ": "Sociale dienst jeugdrechtbank",
    "CLIENT": "Gezin of jongere zelf",
    "ANDERE": "Andere",
    "ONBEKEND": "Onbekend",
}

# The "brede instap" (broad entry) partners: the first-line services that see every family.
BREDE_INSTAP: Final = frozenset(
    {"CLB", "HUIS_VAN_HET_KIND", "CAW", "LOKAAL_BESTUUR", "ONDERWIJS", "MEDISCH"}
)

REFERRER_GROUPS: Final = {
    "BREDE_INSTAP": "Brede instap",
    "JEUGDHULP": "Andere jeugdhulp",
    "GV": "Gemandateerde voorzieningen",
    "SDJ": "Sociale dienst jeugdrechtbank",
    "CLIENT": "Gezin of jongere zelf",
    "ANDERE": "Andere of onbekend",
}

REQUEST_NATURES: Final = {
    "OPVOEDING": "Opvoedingsvragen",
    "GEDRAG_EMOTIONEEL": "Gedrag en emoties",
    "PSYCHISCH": "Psychisch welzijn",
    "GEZIN_RELATIES": "Gezin en relaties",
    "ONTWIKKELING_HANDICAP": "Ontwikkeling of handicap",
    "SCHOOL": "School",
    "MATERIEEL": "Materiële noden",
    "VERONTRUSTING": "Verontrusting",
    "ANDERE": "Andere",
    "ONBEKEND": "Onbekend",
}

RESPONSE_TYPES: Final = {
    "CONSULT": "Consult",
    "VRAAGVERHELDERING": "Vraagverheldering",
    "GEZINSPLAN": "Gezinsplan",
    "KORTDURENDE_BEGELEIDING": "Kortdurende begeleiding",
    "OVERBRUGGING": "Overbrugging",
    "ZORGCOORDINATIE": "Zorgcoördinatie",
    "ELP": "Eerstelijnspsychologische functie",
    "DOORVERWIJZING": "Doorverwijzing",
}

# Response types that count as a started trajectory (reach, trajectories): everything beyond a
# one-off consult or a referral straight on.
TRAJECTORY_TYPES: Final = frozenset(
    {
        "VRAAGVERHELDERING",
        "GEZINSPLAN",
        "KORTDURENDE_BEGELEIDING",
        "OVERBRUGGING",
        "ZORGCOORDINATIE",
        "ELP",
    }
)

CLOSURE_REASONS: Final = {
    "AFGEROND": "Afgerond",
    "DOORVERWEZEN_RTJ": "Doorverwezen naar RTJ",
    "DOORVERWEZEN_NRTJ": "Doorverwezen naar NRTJ",
    "CLIENT_HAAKT_AF": "Cliënt haakt af",
    "VRAAG_WEGGEVALLEN": "Vraag weggevallen",
    "ANDERE": "Andere",
}

# Closed without contact for one of these reasons: "vervallen", outside the timeliness rate.
DROPPED_REASONS: Final = frozenset({"CLIENT_HAAKT_AF", "VRAAG_WEGGEVALLEN"})

STAFFING_FUNCTIONS: Final = {
    "COORDINATIE": "Coördinatie",
    "TEAMMEDEWERKER": "Teammedewerker",
    "ELP": "Eerstelijnspsycholoog",
    "VRIJWILLIGERSCOACH": "Vrijwilligerscoach",
    "UITBREIDING_REGULIER": "Uitbreiding regulier aanbod",
}

PARTNER_SECTORS: Final = {
    "JEUGDHULP": "Jeugdhulp",
    "CLB": "CLB",
    "CAW": "CAW",
    "CGG": "CGG (geestelijke gezondheid)",
    "VAPH": "VAPH (handicap)",
    "KIND_EN_GEZIN": "Kind en Gezin / Huis van het Kind",
    "LOKAAL_BESTUUR": "Lokaal bestuur",
    "ONDERWIJS": "Onderwijs",
    "ANDERE": "Andere",
}

VOLUME_PARTIES: Final = {
    "GV": "Gemandateerde voorzieningen",
    "SDJ": "Sociale dienst jeugdrechtbank",
}

# Region code for registrations that cannot be placed under today's borders (no municipality).
UNASSIGNED_REGION: Final = "ONBEKEND"
UNASSIGNED_LABEL: Final = "Niet toe te wijzen"


def referrer_group(referrer: str | None) -> str:
    """The referrer group of a referrer code (brede instap, GV, SDJ, …)."""
    if referrer in BREDE_INSTAP:
        return "BREDE_INSTAP"
    if referrer in {"JEUGDHULP", "GV", "SDJ", "CLIENT"}:
        return referrer
    return "ANDERE"
