from cases.models.audit import AccessLog, AccessLogFlag, AuditEvent
from cases.models.care import (
    CareProcess,
    CareProviderChoice,
    CommunicationMethod,
    Decision,
    JointPlan,
    Pafoljd,
)
from cases.models.cases import (
    Case,
    CaseUserObjectPermission,
    Participation,
    ReferenceCounter,
    access_organisations,
)
from cases.models.clients import MASKED_NAME, Client, ClientUserObjectPermission
from cases.models.consent import Consent, ConsentParty
from cases.models.deadlines import Deadline, DeadlineChange, DeadlineKind
from cases.models.journal import Attachment, Note, Visibility
from cases.models.organisations import Membership, Organisation
from cases.models.reminders import (
    CalendarFeedToken,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderKindSetting,
    ReminderOffset,
)

__all__ = [
    "MASKED_NAME",
    "AccessLog",
    "AccessLogFlag",
    "Attachment",
    "AuditEvent",
    "CalendarFeedToken",
    "CareProcess",
    "CareProviderChoice",
    "Case",
    "CaseUserObjectPermission",
    "Client",
    "ClientUserObjectPermission",
    "CommunicationMethod",
    "Consent",
    "ConsentParty",
    "Deadline",
    "DeadlineChange",
    "DeadlineKind",
    "Decision",
    "JointPlan",
    "Membership",
    "Note",
    "Notification",
    "NotificationPreference",
    "Organisation",
    "Pafoljd",
    "Participation",
    "ReferenceCounter",
    "Reminder",
    "ReminderKindSetting",
    "ReminderOffset",
    "Visibility",
    "access_organisations",
]

# The workflow proxy models (transitions on Case) must be registered with the models.
from cases.workflows.kontraktsvard import Kontraktsvard
from cases.workflows.vardvistelse import Vardvistelse

__all__ += ["Kontraktsvard", "Vardvistelse"]
