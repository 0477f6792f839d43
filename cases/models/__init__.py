from cases.models.audit import AccessLog, AccessLogFlag, AuditEvent
from cases.models.cases import Case, CaseUserObjectPermission, Participation, ReferenceCounter
from cases.models.clients import MASKED_NAME, Client, ClientUserObjectPermission
from cases.models.consent import Consent, ConsentParty
from cases.models.deadlines import Deadline, DeadlineChange, DeadlineKind
from cases.models.journal import Attachment, Note, Visibility
from cases.models.organisations import Membership, Organisation

__all__ = [
    "MASKED_NAME",
    "AccessLog",
    "AccessLogFlag",
    "Attachment",
    "AuditEvent",
    "Case",
    "CaseUserObjectPermission",
    "Client",
    "ClientUserObjectPermission",
    "Consent",
    "ConsentParty",
    "Deadline",
    "DeadlineChange",
    "DeadlineKind",
    "Membership",
    "Note",
    "Organisation",
    "Participation",
    "ReferenceCounter",
    "Visibility",
]
