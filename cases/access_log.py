"""Every read of a case, a client or an attachment is logged (DOMAIN.md §7)."""

from __future__ import annotations

from django.http import HttpRequest

from cases.models import AccessLog, Attachment, Case, Client, Organisation


def _client_ip(request: HttpRequest) -> str | None:
    # The proxy in front (docs/operations.md) sets X-Forwarded-For; axes' ipware reads it the
    # same way for lockouts, so both logs agree on the address.
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def record(
    *,
    request: HttpRequest,
    action: str,
    organisation: Organisation | None = None,
    case: Case | None = None,
    client: Client | None = None,
    attachment: Attachment | None = None,
) -> AccessLog:
    assert request.user.is_authenticated  # every read goes through login_required
    return AccessLog.objects.create(
        user=request.user,
        organisation=organisation,
        action=action,
        case=case,
        client=client,
        attachment=attachment,
        ip_address=_client_ip(request),
    )
