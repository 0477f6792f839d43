"""The words of a reminder: the in-app notification and the e-mails.

E-mail leaves the municipality's systems, so a reminder says only which case (its reference
and a link) and which kind of deadline; never a name, a personnummer or the deadline's free
text label (DOMAIN.md §7; the issue: "no personal data in the subject or body beyond the case
reference and a link"). The functions here take exactly those facts and nothing else, so no
caller can pass personal data in by mistake."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ReminderFacts:
    reference: str
    case_id: int
    # The fixed label of the DeadlineKind (e.g. "Yttrande (personutredning) till domstolen").
    kind_label: str
    due_date: date
    overdue: bool


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def case_url(case_id: int) -> str:
    return f"{settings.SITE_URL}{reverse('cases:detail', args=[case_id])}"


def _preferences_url() -> str:
    return f"{settings.SITE_URL}{reverse('deadlines:preferences')}"


def notification_message(facts: ReminderFacts) -> str:
    values = {
        "kind": facts.kind_label,
        "reference": facts.reference,
        "date": f"{facts.due_date:%Y-%m-%d}",
    }
    if facts.overdue:
        return _("Fristen %(kind)s i %(reference)s passerade %(date)s och är försenad.") % values
    return _("Påminnelse: fristen %(kind)s i %(reference)s går ut %(date)s.") % values


def reminder_email(facts: ReminderFacts) -> Email:
    if facts.overdue:
        subject = _("Brygga: försenad frist i %(reference)s") % {"reference": facts.reference}
    else:
        subject = _("Brygga: påminnelse om frist i %(reference)s") % {"reference": facts.reference}
    body = "\n\n".join(
        [
            _("Hej!"),
            notification_message(facts),
            _("Öppna ärendet i Brygga: %(url)s") % {"url": case_url(facts.case_id)},
            _footer(),
        ]
    )
    return Email(subject=subject, body=body + "\n")


def digest_email(items: list[ReminderFacts]) -> Email:
    lines = [
        f"- {notification_message(item)}\n  {case_url(item.case_id)}"
        for item in sorted(items, key=lambda item: (item.due_date, item.reference))
    ]
    body = "\n\n".join(
        [
            _("Hej!"),
            _("Här är dagens påminnelser om frister i Brygga:"),
            "\n".join(lines),
            _footer(),
        ]
    )
    return Email(subject=_("Brygga: dagens påminnelser om frister"), body=body + "\n")


def _footer() -> str:
    return _(
        "Meddelandet innehåller inga personuppgifter. Logga in i Brygga för att se ärendet. "
        "Du ändrar dina inställningar för påminnelser här: %(url)s"
    ) % {"url": _preferences_url()}
