"""The data-quality expectations: what each checks, on which data, and Dutch guidance per check.

Declarations only (no Great Expectations import here: it takes seconds); checks/run.py turns
each `Check` into a GX expectation and runs it on the store. Every check names its data
(`asset`), the GX expectation type and arguments, its quality dimension, whether a failure
blocks (`1g1p check` exits non-zero), and guidance: what is wrong, why it matters, how to fix it
in the source system.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal

from data_access.reference import codes

Dimension = Literal["completeness", "validity", "timeliness", "consistency"]

# Plausible age of the child or young person: youth care reaches up to 25 (decree on
# integrated youth care, art. 2: young adults up to 25 in continued care).
MAX_AGE: Final = 25
# A single staffing line (one function and employer in a quarter) above this many FTE is a
# typing error: the largest 2020 team counted 20 FTE in total (networks_2020.csv).
MAX_FTE_PER_LINE: Final = 20.0
# Plausible FTE of a whole team in a quarter: half a person up to three times the largest
# 2020 team (the 2021 mergers roughly doubled some areas).
TEAM_FTE_BOUNDS: Final = (0.5, 60.0)
# A monthly count is "far from its own history" beyond this robust z-score (Iglewicz and
# Hoaglin's 3.5 for modified z-scores).
MAX_ROBUST_Z: Final = 3.5
# Monthly totals and row counts of the same region and month may differ this much (share):
# late corrections in the source system, not two different truths.
RECONCILE_TOLERANCE: Final = 0.05
# Stated staffing components may differ this much (FTE) from the stated total: rounding.
FTE_SUM_TOLERANCE: Final = 0.011


@dataclass(frozen=True)
class Params:
    """Facts a check's arguments depend on at run time."""

    today: date
    region_codes: tuple[str, ...]


@dataclass(frozen=True)
class Check:
    """One expectation with its Dutch description and guidance."""

    key: str
    suite: str
    asset: str
    gx_type: str
    arguments: Callable[[Params], Mapping[str, Any]]
    dimension: Dimension
    blocking: bool
    title: str
    what: str
    why: str
    fix: str

    def guidance(self) -> dict[str, str]:
        """The texts stored with every result, so history keeps the guidance it was given."""
        return {"title": self.title, "what": self.what, "why": self.why, "fix": self.fix}


REGISTRATIONS: Final = "registraties"
DELIVERY: Final = "aanlevering"
STAFFING: Final = "personeel"

# Assets: the data a check runs on (checks/run.py builds them; the index columns name a record).
ASSETS: Final = {
    "registration": ("region_code", "source_record_id"),
    "registration_keys": ("region_code", "source_record_id"),
    "staffing": ("region_code", "record"),
    "region_months": ("region_code", "record"),
    "monthly_counts": ("region_code", "record"),
    "reconciliation": ("region_code", "record"),
    "team_totals": ("region_code", "record"),
    "reference_fte": ("region_code", "record"),
}
# Assets of stored rows (each with a batch_id): an import batch is also checked on its own.
ROW_ASSETS: Final = frozenset({"registration", "registration_keys", "staffing"})


def _nl(value: float) -> str:
    """A number as written in Dutch text: 0,5 and 60."""
    return f"{value:g}".replace(".", ",")


def _fixed(**kwargs: Any) -> Callable[[Params], Mapping[str, Any]]:
    return lambda _params: kwargs


_REQUIRED = {
    "family_id": "de gezinssleutel (gepseudonimiseerd)",
    "region_code": "de regio",
    "kind": "het soort registratie (aanmelding of consultvraag)",
    "received_date": "de datum van aanmelding",
    "source_system": "het bronsysteem",
    "source_record_id": "het dossiernummer in de bron",
}


def _required(column: str, label: str) -> Check:
    return Check(
        key=f"verplicht_{column}",
        suite=REGISTRATIONS,
        asset="registration",
        gx_type="ExpectColumnValuesToNotBeNull",
        arguments=_fixed(column=column),
        dimension="completeness",
        blocking=True,
        title=f"Verplicht veld ingevuld: {label}",
        what=f"Registraties zonder {label} (leeg of alleen spaties).",
        why="Zonder dit veld kan een registratie niet geteld, toegewezen of teruggevonden worden: "
        "ze valt stil uit elke indicator.",
        fix=f"Vul {label} in voor de genoemde dossiers in het bronsysteem en lees de export "
        "opnieuw in; de import werkt de dossiers bij op hun dossiernummer.",
    )


_CODED: dict[str, tuple[str, Mapping[str, str]]] = {
    "kind": ("soort registratie", codes.KINDS),
    "referrer": ("aanmelder", codes.REFERRERS),
    "request_nature": ("aard van de vraag", codes.REQUEST_NATURES),
    "response_type": ("antwoord (aanbod)", codes.RESPONSE_TYPES),
    "closure_reason": ("reden van afsluiting", codes.CLOSURE_REASONS),
}


def _coded(column: str, label: str, allowed: Mapping[str, str]) -> Check:
    return Check(
        key=f"codelijst_{column}",
        suite=REGISTRATIONS,
        asset="registration",
        gx_type="ExpectColumnValuesToBeInSet",
        arguments=_fixed(column=column, value_set=sorted(allowed)),
        dimension="validity",
        blocking=True,
        title=f"Code binnen de codelijst: {label}",
        what=f"Registraties met een code voor {label} die niet in de geharmoniseerde codelijst "
        "staat.",
        why="Een onbekende code valt buiten elke groep: aandelen en totalen per categorie kloppen "
        "dan niet meer.",
        fix="Gebruik in de bron een code uit de lijst, of vul de codevertaling in het bronprofiel "
        "(TOML) aan en lees het bestand opnieuw in.",
    )


def _region_codes(params: Params) -> Mapping[str, Any]:
    return {"column": "region_code", "value_set": list(params.region_codes)}


def _not_future(column: str, label: str) -> Check:
    return Check(
        key=f"datum_toekomst_{column}",
        suite=REGISTRATIONS,
        asset="registration",
        gx_type="ExpectColumnValuesToBeBetween",
        arguments=lambda params: {"column": column, "max_value": params.today},
        dimension="validity",
        blocking=False,
        title=f"Geen {label} in de toekomst",
        what=f"Registraties met een {label} na vandaag.",
        why="Een datum in de toekomst is een tikfout; ze verschuift de registratie naar een "
        "periode die nog niet voorbij is.",
        fix=f"Verbeter de {label} in het bronsysteem (vaak een verwisseld jaar of dag en maand) "
        "en lees de export opnieuw in.",
    )


def _order(column: str, label: str) -> Check:
    return Check(
        key=f"datum_volgorde_{column}",
        suite=REGISTRATIONS,
        asset="registration",
        gx_type="ExpectColumnPairValuesAToBeGreaterThanB",
        arguments=_fixed(
            column_A=column,
            column_B="received_date",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        dimension="validity",
        blocking=False,
        title=f"{label.capitalize()} niet vóór de aanmelding",
        what=f"Registraties waarvan de {label} vóór de datum van aanmelding ligt.",
        why="De tijdige opname en de duur van trajecten worden vanaf de aanmelding gerekend: "
        "een datum ervoor geeft negatieve wachttijden en te gunstige cijfers.",
        fix=f"Controleer in het bronsysteem de aanmeldingsdatum en de {label} van deze dossiers "
        "(vaak dag en maand verwisseld, of de datum van een vorige aanmelding) en lees de "
        "export opnieuw in.",
    )


CHECKS: Final[tuple[Check, ...]] = (
    *(_required(column, label) for column, label in _REQUIRED.items()),
    Check(
        key="codelijst_region_code",
        suite=REGISTRATIONS,
        asset="registration",
        gx_type="ExpectColumnValuesToBeInSet",
        arguments=_region_codes,
        dimension="validity",
        blocking=True,
        title="Gekende regio",
        what="Registraties met een regiocode die niet in de referentielijst van netwerken staat.",
        why="Cijfers van een onbekende regio vallen buiten elke regio en elk totaal.",
        fix="Gebruik de regiocode uit de referentielijst, of vraag de beheerder de nieuwe regio "
        "aan de referentielijst van netwerken toe te voegen.",
    ),
    *(_coded(column, label, allowed) for column, (label, allowed) in _CODED.items()),
    Check(
        key="unieke_bronsleutel",
        suite=REGISTRATIONS,
        asset="registration_keys",
        gx_type="ExpectColumnValuesToBeBetween",
        arguments=_fixed(column="key_occurrences", max_value=1),
        dimension="consistency",
        blocking=True,
        title="Uniek dossiernummer per bronsysteem",
        what="Hetzelfde dossiernummer van hetzelfde bronsysteem komt meer dan eens voor.",
        why="Een verbeterde export werkt dossiers bij op hun nummer; dubbele nummers maken dat "
        "onmogelijk en tellen registraties dubbel.",
        fix="Geef elk dossier in het bronsysteem een eigen nummer; vraag daarna de beheerder de "
        "opslag opnieuw op te bouwen uit de bewaarde bestanden.",
    ),
    _order("first_contact_date", "eerste contact"),
    _order("closed_date", "afsluiting"),
    *(
        _not_future(c, label)
        for c, label in (
            ("received_date", "aanmeldingsdatum"),
            ("first_contact_date", "datum van eerste contact"),
            ("closed_date", "afsluitdatum"),
        )
    ),
    Check(
        key="datum_na_start_netwerk",
        suite=REGISTRATIONS,
        asset="registration_keys",
        gx_type="ExpectColumnPairValuesAToBeGreaterThanB",
        arguments=_fixed(
            column_A="received_date",
            column_B="active_from",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        dimension="validity",
        blocking=False,
        title="Aanmelding niet vóór de start van het netwerk",
        what="Registraties met een aanmeldingsdatum vóór de startdatum van hun netwerk.",
        why="Het netwerk bestond toen nog niet: de registratie hoort bij een andere regio of de "
        "datum is fout.",
        fix="Verbeter de aanmeldingsdatum in de bron, of controleer of het dossier aan de juiste "
        "regio is toegewezen.",
    ),
    Check(
        key="leeftijd_plausibel",
        suite=REGISTRATIONS,
        asset="registration",
        gx_type="ExpectColumnValuesToBeBetween",
        arguments=_fixed(column="child_age", min_value=0, max_value=MAX_AGE),
        dimension="validity",
        blocking=False,
        title=f"Plausibele leeftijd (0 tot {MAX_AGE} jaar)",
        what=f"Registraties met een leeftijd onder 0 of boven {MAX_AGE} jaar.",
        why="1 Gezin 1 Plan richt zich op kinderen en jongeren; een onmogelijke leeftijd wijst op "
        "een tikfout of een geboortejaar op de plaats van een leeftijd.",
        fix="Verbeter de leeftijd of het geboortejaar in het bronsysteem.",
    ),
    Check(
        key="aanmelder_ingevuld",
        suite=REGISTRATIONS,
        asset="registration",
        gx_type="ExpectColumnValuesToNotBeNull",
        arguments=_fixed(column="referrer"),
        dimension="completeness",
        blocking=False,
        title="Aanmelder ingevuld",
        what="Registraties zonder aanmelder (leeg gelaten, ook niet 'onbekend').",
        why="De aanmeldersmix en de volumeafspraken met GV en SDJ steunen op de aanmelder: "
        "ontbrekende aanmelders vertekenen de aandelen.",
        fix="Vul de aanmelder in het bronsysteem aan (of kies bewust 'onbekend') en lees de "
        "export opnieuw in.",
    ),
    Check(
        key="vermoedelijk_dubbel",
        suite=REGISTRATIONS,
        asset="registration_keys",
        gx_type="ExpectColumnValuesToBeBetween",
        arguments=_fixed(column="same_day_copy", max_value=1),
        dimension="consistency",
        blocking=False,
        title="Geen vermoedelijke dubbele registraties",
        what="Meer dan één registratie van hetzelfde soort voor hetzelfde gezin, in dezelfde regio "
        "op dezelfde dag, met een ander dossiernummer. De eerste telt als origineel; de "
        "kopieën staan hier.",
        why="Dubbel ingevoerde dossiers tellen een gezin twee keer: aanmeldingen, bereik en "
        "volumes liggen te hoog.",
        fix="Zoek de dossiers op in de bron; voeg ze samen of verwijder de kopie en lees de "
        "export opnieuw in. Een consultvraag en een aanmelding op dezelfde dag zijn geen dubbel.",
    ),
    Check(
        key="maand_aangeleverd",
        suite=DELIVERY,
        asset="region_months",
        gx_type="ExpectColumnValuesToBeInSet",
        arguments=_fixed(column="has_data", value_set=[True]),
        dimension="timeliness",
        blocking=False,
        title="Elke maand aangeleverd",
        what="Maanden waarin een actief netwerk geen enkele registratie of maandtotaal "
        "aanleverde (zoals de rapporteringsgraad in DHIS2). De laatste volle maand mag nog "
        "onderweg zijn.",
        why="Een maand zonder gegevens telt als nul aanmeldingen: trends, tijdige opname en "
        "volumes lijken dan slechter dan ze zijn.",
        fix="Vraag het netwerk de export van die maand (opnieuw) te bezorgen; ontbreekt de maand "
        "in de export, controleer dan de exportfilter in het bronsysteem.",
    ),
    Check(
        key="maandaantal_plausibel",
        suite=DELIVERY,
        asset="monthly_counts",
        gx_type="ExpectColumnValuesToBeBetween",
        arguments=_fixed(column="robust_z", min_value=-MAX_ROBUST_Z, max_value=MAX_ROBUST_Z),
        dimension="consistency",
        blocking=False,
        title="Maandaantal in lijn met de eigen geschiedenis",
        what="Maanden waarin het aantal aanmeldingen van een regio ver afwijkt van de zes maanden "
        f"ervoor en erna (robuuste z-score boven {_nl(MAX_ROBUST_Z)}: ongeveer een "
        "verdubbeling of halvering; kleine aantallen krijgen meer ruimte voor toeval).",
        why="Een plotse piek of dip is meestal een registratieprobleem (een dubbel ingelezen "
        "bestand, een halve export), geen echte verandering in de vraag.",
        fix="Vergelijk de maand met de bron: ontbreken er dossiers of staan ze er dubbel in? "
        "Lees zo nodig een volledige export opnieuw in.",
    ),
    Check(
        key="maandtotalen_kloppen",
        suite=DELIVERY,
        asset="reconciliation",
        gx_type="ExpectColumnValuesToBeBetween",
        arguments=_fixed(
            column="relative_difference",
            min_value=-RECONCILE_TOLERANCE,
            max_value=RECONCILE_TOLERANCE,
        ),
        dimension="consistency",
        blocking=False,
        title="Maandtotalen kloppen met de dossiers",
        what="Maanden waarvoor zowel maandtotalen als dossiers bestaan en het gemelde aantal "
        f"aanmeldingen meer dan {RECONCILE_TOLERANCE:.0%} afwijkt van het aantal dossiers.",
        why="Twee bronnen voor dezelfde maand moeten hetzelfde vertellen; anders weet niemand "
        "welk cijfer klopt.",
        fix="Zoek uit welke bron volledig is; corrigeer de maandtotalen of de dossierexport en "
        "lees die opnieuw in.",
    ),
    Check(
        key="vte_per_lijn_plausibel",
        suite=STAFFING,
        asset="staffing",
        gx_type="ExpectColumnValuesToBeBetween",
        arguments=_fixed(column="fte", min_value=0, max_value=MAX_FTE_PER_LINE, strict_min=True),
        dimension="validity",
        blocking=False,
        title="Plausibele VTE per functie",
        what=f"Personeelslijnen met 0 of minder VTE, of meer dan {MAX_FTE_PER_LINE:.0f} VTE voor "
        "één functie en werkgever.",
        why="Een tikfout in de VTE (bv. uren in plaats van VTE) verstoort de personeelsinzet en "
        "de aanmeldingen per VTE.",
        fix="Verbeter het aantal VTE in het personeelsbestand (VTE, geen uren of personen) en "
        "lees het opnieuw in.",
    ),
    Check(
        key="vte_team_plausibel",
        suite=STAFFING,
        asset="team_totals",
        gx_type="ExpectColumnValuesToBeBetween",
        arguments=_fixed(column="fte", min_value=TEAM_FTE_BOUNDS[0], max_value=TEAM_FTE_BOUNDS[1]),
        dimension="validity",
        blocking=False,
        title="Plausibele teamgrootte per kwartaal",
        what=f"Kwartalen waarin de hele inzet van een netwerk onder {_nl(TEAM_FTE_BOUNDS[0])} of "
        f"boven {_nl(TEAM_FTE_BOUNDS[1])} VTE ligt.",
        why="Een team van die grootte bestaat niet: wellicht ontbreken functies of staan ze "
        "dubbel in het bestand.",
        fix="Controleer of alle functies en werkgevers van het kwartaal in het bestand staan, "
        "elk één keer.",
    ),
    Check(
        key="vte_som_klopt",
        suite=STAFFING,
        asset="reference_fte",
        gx_type="ExpectColumnValuesToBeBetween",
        arguments=_fixed(
            column="difference", min_value=-FTE_SUM_TOLERANCE, max_value=FTE_SUM_TOLERANCE
        ),
        dimension="consistency",
        blocking=False,
        title="VTE-onderdelen tellen op tot het totaal",
        what="Netwerken waarvan coördinatie, teamleden, ELP en overige inzet in de "
        "referentietabel 2020 niet optellen tot het vermelde totaal.",
        why="De referentietabel is het ijkpunt voor de personeelsinzet; een totaal dat niet "
        "klopt met zijn onderdelen maakt elke vergelijking onbetrouwbaar.",
        fix="Laat de beheerder de referentietabel 2020 verbeteren (totaal of onderdelen, met "
        "bronvermelding) en de referentiegegevens opnieuw laden.",
    ),
)

BY_KEY: Final = {check.key: check for check in CHECKS}
