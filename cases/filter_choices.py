"""The case list's filter choices (organisations, handläggare), kept in the cache.

Every case list page offers the same two selects, which it used to read from the database each
time: 2 ms of a 25 ms page (docs/performance.md). They change only when an organisation, a
membership or a user is saved or deleted, and the signals below drop the entries concerned.
Bulk updates send no signals, so the entries also expire after ten minutes: a select's options
a few minutes out of date are harmless, since the list itself is always read through the access
rule.

One cache round trip a page: the organisations and, per organisation of the user, its
handläggare (so that a change drops only that organisation's entry)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from accounts.models import user_label
from cases.models import Membership, Organisation, access_organisations
from cases.roles import CASEWORKER_ROLES

if TYPE_CHECKING:
    from accounts.models import User

TIMEOUT = 600
ORGANISATIONS_KEY = "filterval:organisationer"
# A handläggare as kept per organisation: id, first name, last name, username.
Caseworker = tuple[int, str, str, str]
_NAME_COLUMNS = ("user__first_name", "user__last_name", "user__username")


def _caseworkers_key(organisation_id: int) -> str:
    return f"filterval:handlaggare:{organisation_id}"


def filter_choices(
    user: User, *, caseworkers: bool
) -> tuple[list[tuple[int, str]], list[tuple[int, str]] | None]:
    """Every active organisation, by name (a case's parties may be outside the user's own);
    and with ``caseworkers`` the handläggare of the user's own organisations (anyone who holds
    or held a caseworker role there), by name."""
    own = access_organisations(user)[0] if caseworkers else ()
    keys = [ORGANISATIONS_KEY, *(_caseworkers_key(org) for org in own)]
    found = cache.get_many(keys)
    missing: dict[str, Any] = {}
    organisations = found.get(ORGANISATIONS_KEY)
    if organisations is None:
        organisations = missing[ORGANISATIONS_KEY] = list(
            Organisation.objects.filter(is_active=True).order_by("name").values_list("pk", "name")
        )
    per_organisation: dict[int, list[Caseworker] | None] = {
        org: found.get(_caseworkers_key(org)) for org in own
    }
    unread = [org for org, people in per_organisation.items() if people is None]
    if unread:
        read: dict[int, list[Caseworker]] = {org: [] for org in unread}
        rows = (
            Membership.objects.filter(organisation_id__in=unread, role__in=CASEWORKER_ROLES)
            .values_list("organisation_id", "user_id", *_NAME_COLUMNS)
            .distinct()
        )
        for org, *person in rows:
            read[org].append(tuple(person))
        for org, people in read.items():
            per_organisation[org] = missing[_caseworkers_key(org)] = people
    if missing:
        cache.set_many(missing, TIMEOUT)
    if not caseworkers:
        return organisations, None
    people_by_id = {
        person[0]: person for people in per_organisation.values() for person in people or ()
    }
    ordered = sorted(people_by_id.values(), key=lambda p: (p[1], p[2], p[0]))
    return organisations, [(pk, user_label(first, last, name)) for pk, first, last, name in ordered]


def _organisation_changed(**_kwargs: Any) -> None:
    cache.delete(ORGANISATIONS_KEY)


def _membership_changed(instance: Membership, **_kwargs: Any) -> None:
    cache.delete(_caseworkers_key(instance.organisation_id))


def _user_changed(instance: Any, update_fields: Any = None, **_kwargs: Any) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # every login saves the user; the name is unchanged
    organisations = Membership.objects.filter(user_id=instance.pk).values_list(
        "organisation_id", flat=True
    )
    cache.delete_many([_caseworkers_key(org) for org in organisations])


def connect_signals() -> None:
    """Called from ``CasesConfig.ready``."""
    for signal in (post_save, post_delete):
        signal.connect(_organisation_changed, sender=Organisation, dispatch_uid="filterval-org")
        signal.connect(_membership_changed, sender=Membership, dispatch_uid="filterval-member")
        signal.connect(_user_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="filterval-u")
