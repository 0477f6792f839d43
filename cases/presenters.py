"""How a client is shown to a given viewer: the masking rule in one place (DOMAIN.md §2).

Lists, the case page, search results, exports, e-mails and PDFs all go through
``client_identity`` so that protected identity and missing consent are masked everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from cases.models import Case


@dataclass(frozen=True)
class ClientIdentity:
    visible: bool
    name: str
    id_number: str
    address: str
    protected: bool
    reason: str


def client_identity(case: Case) -> ClientIdentity:
    """``case`` must come from ``Case.objects.visible_to(user)`` (it reads its annotations)."""
    client = case.client
    if not getattr(case, "shared_access", False):
        return ClientIdentity(
            visible=False,
            name=_("Uppgift saknas – inget samtycke"),
            id_number="",
            address="",
            protected=client.protected_identity,
            reason=_("Samtycke som omfattar din organisation saknas."),
        )
    if not getattr(case, "identity_visible", False):
        return ClientIdentity(
            visible=False,
            name=_("Skyddad identitet"),
            id_number="",
            address="",
            protected=True,
            reason=_("Klienten har skyddade personuppgifter."),
        )
    return ClientIdentity(
        visible=True,
        name=client.full_name,
        id_number=client.identity.formatted,
        address=client.address,
        protected=client.protected_identity,
        reason="",
    )
