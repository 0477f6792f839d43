"""A small world for the deadline and reminder tests: a socialnämnd with a handläggare and a
chef, a frivård, and cases whose deadlines are created through the deadline service."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from cases.models import Case, Deadline, DeadlineKind
from cases.roles import OrganisationKind, Role
from cases.services.deadlines import deadline_set
from tests.factories import CaseFactory, ClientFactory, MembershipFactory, OrganisationFactory


@dataclass
class World:
    kommun: Any
    frivard: Any
    soc: Any  # socialsekreterare, the handläggare
    chef: Any  # enhetschef of the kommun
    fi: Any  # frivårdsinspektör (other organisation)

    def case(self, **kwargs: Any) -> Case:
        kwargs.setdefault("client", ClientFactory(first_name="Kalle", last_name="Hemligsson"))
        case: Case = CaseFactory(
            owner_organisation=self.kommun,
            participants__handlaggare=self.soc,
            participants__counterpart=self.frivard,
            **kwargs,
        )
        return case

    def deadline(
        self,
        due: date,
        *,
        case: Case | None = None,
        kind: str = DeadlineKind.YTTRANDE,
        key: str = "",
        responsible: Any = "soc",
    ) -> Deadline:
        case = case or self.case()
        with transaction.atomic():
            return deadline_set(
                case=case,
                kind=kind,
                key=key,
                due_date=due,
                label=str(DeadlineKind(kind).label),
                responsible_organisation=self.kommun,
                responsible_user=self.soc if responsible == "soc" else responsible,
                rule="test",
                actor=None,
            )


def seed_reminder_settings() -> None:
    """The rows the data migration seeds. Transactional tests empty every table afterwards,
    so each test puts them back with the migration's own function."""
    from django.apps import apps

    migration = importlib.import_module("cases.migrations.0006_seed_reminder_offsets")
    migration.seed(apps, None)


def build_world() -> World:
    seed_reminder_settings()
    kommun = OrganisationFactory(name="SN Testnordost", short_name="SN Testnordost")
    frivard = OrganisationFactory(name="Frivården Testby", kind=OrganisationKind.FRIVARD)
    soc = MembershipFactory(organisation=kommun, role=Role.SOCIALSEKRETERARE).user
    chef = MembershipFactory(organisation=kommun, role=Role.ENHETSCHEF).user
    fi = MembershipFactory(organisation=frivard, role=Role.FRIVARDSINSPEKTOR).user
    for user in (soc, chef, fi):
        user.email = f"{user.username}@example.invalid"
        user.save(update_fields=["email"])
    return World(kommun=kommun, frivard=frivard, soc=soc, chef=chef, fi=fi)
