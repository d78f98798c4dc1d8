"""Users and their roles in the store, and the Reader a logged-in person becomes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import InitVar, dataclass
from datetime import UTC, datetime
from typing import Final, Literal

import polars as pl
from sqlalchemy import Engine, delete, func, insert, select, update

from data_access.access.audit import record
from data_access.access.scope import AccessError, Scope, _issue
from data_access.store.models import AuditEvent, Region, RoleAssignment, UserAccount

Role = Literal["beheerder", "trekkersgroep", "stuurgroep", "critical_friend"]
ROLES: Final[dict[str, str]] = {
    "beheerder": "Beheerder",
    "trekkersgroep": "Trekkersgroep",
    "stuurgroep": "Stuurgroep",
    "critical_friend": "Critical friend",
}
REGIONAL_ROLES: Final = frozenset({"stuurgroep", "critical_friend"})
# Not a role a user can have: the audience of figures for use outside the networks.
PUBLICATION: Final = "publicatie"
_LABELS: Final = {**ROLES, PUBLICATION: "Publicatie"}

_MAKER: Final = object()


@dataclass(frozen=True)
class Reader:
    """A logged-in person: what they may see in detail and what they may do. Made only here,
    from a stored user (reader_for, demo_readers), for the CLI's operator or for publication."""

    email: str
    name: str
    roles: frozenset[tuple[str, str | None]]  # (role, region or None)
    is_demo: bool = False  # a demo user: what they import is demo data
    maker: InitVar[object] = None

    def __post_init__(self, maker: object) -> None:
        if maker is not _MAKER:
            raise TypeError("A Reader is made only by data_access.access.roles.")

    @property
    def is_beheerder(self) -> bool:
        return any(role == "beheerder" for role, _ in self.roles)

    @property
    def scope(self) -> Scope:
        """Detail for every region for a beheerder, else for the own or assigned regions only.

        The trekkersgroep sees all regions, but only aggregated: its detail scope is empty.
        """
        if self.is_beheerder:
            return _issue(None)
        return _issue(frozenset(r for role, r in self.roles if role in REGIONAL_ROLES and r))

    def scope_for_region(self, region_code: str) -> Scope:
        """What a document about one region, handed on to that region's stuurgroep and its
        partners, shows in detail: that region only (when this reader sees it so), every other
        region under disclosure control, whatever else this reader may see."""
        if not self.scope.allows(region_code):
            raise AccessError(f"Je ziet regio {region_code} niet in detail.")
        return _issue(frozenset({region_code}))

    def may_write_notes(self, region_code: str) -> bool:
        """Critical friends write feedback for their assigned regions."""
        return ("critical_friend", region_code) in self.roles

    def role_label(self, names: Mapping[str, str] | None = None) -> str:
        """The roles in Dutch, each with its regions: 'Stuurgroep (KON)', or with region
        `names` 'Critical friend (Samen1Plan Gent-Scheldekracht, Krachtgerichte RTJ Waas en
        Dender)'."""
        regions: dict[str, list[str]] = {}
        for role, region in sorted(self.roles, key=lambda pair: (pair[0], pair[1] or "")):
            shown = regions.setdefault(role, [])
            if region:
                shown.append(names.get(region, region) if names else region)
        return ", ".join(
            f"{_LABELS[role]} ({', '.join(shown)})" if shown else _LABELS[role]
            for role, shown in regions.items()
        )


def reader_for(engine: Engine, email: str) -> Reader | None:
    """The active user with this e-mail and their roles; None for an unknown or inactive user."""
    return _readers(engine, [email]).get(email.strip().lower())


def _readers(engine: Engine, emails: list[str]) -> dict[str, Reader]:
    """The active users among `emails` that have a role, by lower-case e-mail: two queries
    on one connection, whatever the number of users."""
    wanted = [e.strip().lower() for e in emails]
    with engine.connect() as conn:
        users = conn.execute(
            select(
                UserAccount.id, UserAccount.email, UserAccount.display_name, UserAccount.is_demo
            ).where(func.lower(UserAccount.email).in_(wanted), UserAccount.active.is_(True))
        ).all()
        roles = conn.execute(
            select(RoleAssignment.user_id, RoleAssignment.role, RoleAssignment.region_code).where(
                RoleAssignment.user_id.in_([u.id for u in users])
            )
        ).all()
    held: dict[int, set[tuple[str, str | None]]] = {}
    for r in roles:
        held.setdefault(r.user_id, set()).add((r.role, r.region_code))
    return {
        u.email.lower(): Reader(
            u.email.lower(), u.display_name, frozenset(held[u.id]), bool(u.is_demo), _MAKER
        )
        for u in users
        if u.id in held
    }


def operator_reader() -> Reader:
    """Who runs the command line without --as: the server's operator, who can read the store
    itself, sees every region in detail (README, "Command line")."""
    return Reader("cli", "Opdrachtregel", frozenset({("beheerder", None)}), False, _MAKER)


def publication_reader() -> Reader:
    """The audience of figures for use outside the networks (the parliamentary answer,
    `--publicatie`): no region in detail, every region under disclosure control."""
    return Reader(PUBLICATION, "Publicatie", frozenset({(PUBLICATION, None)}), False, _MAKER)


def require_beheerder(reader: Reader, what: str) -> None:
    """Refuse an action reserved for the beheerder (imports, user management)."""
    if not reader.is_beheerder:
        raise AccessError(f"Alleen een beheerder kan {what}.")


def add_user(
    engine: Engine,
    email: str,
    name: str,
    role: str,
    region_code: str | None = None,
    *,
    actor: str,
    is_demo: bool = False,
) -> None:
    """Create the user if needed and give them a role (for a region where the role is regional)."""
    email = email.strip().lower()
    if role not in ROLES:
        raise AccessError(f"Onbekende rol '{role}'. Kies uit: {', '.join(ROLES)}.")
    if role in REGIONAL_ROLES and not region_code:
        raise AccessError(f"De rol {ROLES[role]} hoort bij een regio: geef --region CODE.")
    if role not in REGIONAL_ROLES:
        region_code = None
    with engine.begin() as conn:
        if (
            region_code
            and conn.scalar(select(Region.code).where(Region.code == region_code)) is None
        ):
            raise AccessError(f"Onbekende regio '{region_code}'.")
        user_id = conn.scalar(select(UserAccount.id).where(UserAccount.email == email))
        if user_id is None:
            user_id = conn.scalar(
                insert(UserAccount)
                .values(
                    email=email,
                    display_name=name or email,
                    active=True,
                    is_demo=is_demo,
                    created_at=datetime.now(UTC),
                )
                .returning(UserAccount.id)
            )
        exists = conn.scalar(
            select(RoleAssignment.id).where(
                RoleAssignment.user_id == user_id,
                RoleAssignment.role == role,
                RoleAssignment.region_code.is_(None)
                if region_code is None
                else RoleAssignment.region_code == region_code,
            )
        )
        if exists is not None:
            return  # nothing changes, so nothing to audit
        conn.execute(
            insert(RoleAssignment).values(user_id=user_id, role=role, region_code=region_code)
        )
        record(
            conn,
            actor,
            "gebruiker_rol_toegekend",
            {"email": email, "rol": role, "regio": region_code},
        )


def remove_role(
    engine: Engine, email: str, role: str, region_code: str | None, *, actor: str
) -> None:
    """Take one role away from a user."""
    email = email.strip().lower()
    with engine.begin() as conn:
        user_id = conn.scalar(select(UserAccount.id).where(UserAccount.email == email))
        if user_id is None:
            raise AccessError(f"Onbekende gebruiker '{email}'.")
        conn.execute(
            delete(RoleAssignment).where(
                RoleAssignment.user_id == user_id,
                RoleAssignment.role == role,
                RoleAssignment.region_code.is_(None)
                if region_code is None
                else RoleAssignment.region_code == region_code,
            )
        )
        record(
            conn,
            actor,
            "gebruiker_rol_ingetrokken",
            {"email": email, "rol": role, "regio": region_code},
        )


def deactivate_user(engine: Engine, email: str, *, actor: str) -> None:
    """Block a user from logging in (their history stays)."""
    email = email.strip().lower()
    with engine.begin() as conn:
        changed = conn.execute(
            update(UserAccount).where(UserAccount.email == email).values(active=False)
        ).rowcount
        if not changed:
            raise AccessError(f"Onbekende gebruiker '{email}'.")
        record(conn, actor, "gebruiker_gedeactiveerd", {"email": email})


def users(engine: Engine) -> pl.DataFrame:
    """Every user with their roles (one row per role), for the beheerder."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                UserAccount.email,
                UserAccount.display_name,
                UserAccount.active,
                UserAccount.is_demo,
                RoleAssignment.role,
                RoleAssignment.region_code,
            )
            .join(RoleAssignment, RoleAssignment.user_id == UserAccount.id, isouter=True)
            .order_by(UserAccount.email, RoleAssignment.role)
        ).all()
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={
            "email": pl.String,
            "name": pl.String,
            "active": pl.Boolean,
            "is_demo": pl.Boolean,
            "role": pl.String,
            "region_code": pl.String,
        },
        orient="row",
    )


# Demo users, one per role, created with the demo store (docs/design.md §6: "a picker of demo
# users").
DEMO_USERS: Final = (
    ("beheerder@demo.1g1p", "Beheerder (demo)", "beheerder", None),
    ("trekker@demo.1g1p", "Trekkersgroep (demo)", "trekkersgroep", None),
    ("stuurgroep.kon@demo.1g1p", "Stuurgroep Konekti (demo)", "stuurgroep", "KON"),
    ("friend@demo.1g1p", "Critical friend Gent en Waas-Dender (demo)", "critical_friend", "GNT"),
    ("friend@demo.1g1p", "Critical friend Gent en Waas-Dender (demo)", "critical_friend", "WAD"),
)


def ensure_demo_users(engine: Engine) -> None:
    """Create the demo users (idempotent)."""
    for email, name, role, region in DEMO_USERS:
        add_user(engine, email, name, role, region, actor="demo", is_demo=True)


def demo_readers(engine: Engine) -> list[Reader]:
    """The demo users as readers, in picker order."""
    emails = list(dict.fromkeys(email for email, *_ in DEMO_USERS))
    found = _readers(engine, emails)
    return [found[e] for e in emails if e in found]


# --- audit ------------------------------------------------------------------------------------


def audit_events(engine: Engine, reader: Reader, limit: int = 500) -> pl.DataFrame:
    """The latest audit events; only a beheerder may read them."""
    if not reader.is_beheerder:
        raise AccessError("Alleen een beheerder kan het auditlogboek inzien.")
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.detail)
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        ).all()
    return pl.DataFrame(
        {
            "at": [r.at for r in rows],
            "actor": [r.actor for r in rows],
            "action": [r.action for r in rows],
            # As stored (JSON), for the reader of the trail to word it.
            "detail": [json.dumps(r.detail or {}, ensure_ascii=False, default=str) for r in rows],
        },
        schema={
            "at": pl.Datetime("us", "UTC"),
            "actor": pl.String,
            "action": pl.String,
            "detail": pl.String,
        },
    )


# --- critical-friend notes --------------------------------------------------------------------
