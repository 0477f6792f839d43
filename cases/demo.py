"""Creates the demo data set. Deterministic: the same input gives the same rows, and running it
again updates rather than duplicates (every row is looked up by a natural key)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from cases.demo_data import FIRST_NAMES, LAST_NAMES, ORGANISATIONS, ROLE_PREFIX
from cases.models import Membership, Organisation
from cases.roles import ROLES_BY_KIND, Role

# The systemförvaltare manages organisations, users and memberships in the admin (DOMAIN §8).
SYSTEMFORVALTARE_PERMISSIONS = (
    ("accounts", "user"),
    ("cases", "organisation"),
    ("cases", "membership"),
    ("portal", "accessibilityreport"),
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    organisation: str
    role: str


def seed(*, password: str) -> list[DemoAccount]:
    organisations = _seed_organisations()
    return _seed_users(organisations, password=password)


def _seed_organisations() -> dict[str, Organisation]:
    by_slug: dict[str, Organisation] = {}
    for item in ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            name=item.name,
            defaults={
                "kind": item.kind,
                "short_name": item.short_name,
                "parent": by_slug[item.parent] if item.parent else None,
            },
        )
        by_slug[item.slug] = organisation
    return by_slug


def _seed_users(organisations: dict[str, Organisation], *, password: str) -> list[DemoAccount]:
    User = get_user_model()
    admin_permissions = list(
        Permission.objects.filter(
            content_type__app_label__in=[app for app, _ in SYSTEMFORVALTARE_PERMISSIONS],
            content_type__model__in=[model for _, model in SYSTEMFORVALTARE_PERMISSIONS],
        )
    )
    accounts = []
    index = 0
    for item in ORGANISATIONS:
        organisation = organisations[item.slug]
        if item.parent is None and organisation.units.exists():
            continue  # users work in the socialnämnder, not in the kommun as a whole
        for role in ROLES_BY_KIND[item.kind]:
            username = f"{ROLE_PREFIX[role]}.{item.slug}"
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": FIRST_NAMES[index % len(FIRST_NAMES)],
                    "last_name": LAST_NAMES[(index * 7) % len(LAST_NAMES)],
                    "email": f"{username}@example.invalid",
                    "is_staff": role == Role.SYSTEMFORVALTARE,
                },
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
            if role == Role.SYSTEMFORVALTARE:
                user.user_permissions.set(admin_permissions)
            accounts.append(DemoAccount(username, organisation.name, str(Role(role).label)))
            index += 1
    return accounts
