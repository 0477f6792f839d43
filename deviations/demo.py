"""Demo deviations, so the dashboard is alive in the demo: one reported deviation of each kind
on the demo's kontraktsvård and vårdvistelse cases with consent, some reported weeks ago, some
with the other party informed in Brygga, some informed by phone and some not yet informed,
with follow-up actions and one closed; then one detection run. Idempotent: a case that already
has demo deviations is skipped."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from cases.selectors import case_for_user
from cases.states import CLOSED_STATES
from deviations import permissions, services
from deviations.detect import detect_all
from deviations.models import Deviation, DeviationKind, InformedHow, Outcome, Severity

# (kind, severity, days ago, inform: "notis" | "telefon" | "")
PLAN = (
    (DeviationKind.BEHANDLING_AVBRUTEN, Severity.HOG, 2, "notis"),
    (DeviationKind.ATERFALL, Severity.MEDEL, 12, "notis"),
    (DeviationKind.AVVIKIT, Severity.HOG, 40, "telefon"),
    (DeviationKind.NYTT_BROTT, Severity.HOG, 5, ""),
    (DeviationKind.BYTE_AV_VARDGIVARE, Severity.MEDEL, 20, "notis"),
    (DeviationKind.ANNAT, Severity.LAG, 1, ""),
)


def _reporter(case: Case, index: int) -> object | None:
    """The kommun's or Kriminalvården's handläggare, alternately, who may report."""
    participations = list(case.participations.select_related("handlaggare", "organisation"))
    ordered = participations if index % 2 else list(reversed(participations))
    for participation in ordered:
        user = participation.handlaggare
        if user is None:
            continue
        loaded = case_for_user(user, case.pk)
        if permissions.may_report(user, loaded):
            return user
    return None


@transaction.atomic
def seed_deviations() -> int:
    """Returns the number of deviations created by this run."""
    if Deviation.objects.exists():
        detect_all()
        return 0
    cases = list(
        Case.objects.filter(case_type__in=("kontraktsvard", "vardvistelse"))
        .exclude(state__in=CLOSED_STATES)
        .filter(consents__withdrawn_at__isnull=True)
        .distinct()
        .order_by("reference")
    )
    created = 0
    now = timezone.now()
    for index, (kind, severity, days_ago, inform) in enumerate(PLAN):
        if not cases:
            break
        case = cases[index % len(cases)]
        actor = _reporter(case, index)
        if actor is None:
            continue
        deviation = services.deviation_report(
            case_id=case.pk,
            actor=actor,  # type: ignore[arg-type]
            kind=kind,
            severity=severity,
            occurred_on=timezone.localdate() - timedelta(days=days_ago),
            description="Behandlingshemmet ringde: klienten har inte följt planen (demo).",
            notify_other_party=inform == "notis",
        )
        # Age the demo row so that the dashboard's age buckets are all in use.
        reported_at = now - timedelta(days=days_ago, hours=3)
        Deviation.objects.filter(pk=deviation.pk).update(reported_at=reported_at)
        if inform == "notis":
            Deviation.objects.filter(pk=deviation.pk, informed_by__isnull=False).update(
                other_party_informed_at=reported_at + timedelta(minutes=1)
            )
        elif inform == "telefon":
            services.deviation_record_informed(
                deviation_id=deviation.pk,
                actor=actor,  # type: ignore[arg-type]
                informed_at=reported_at + timedelta(hours=2),
                how=InformedHow.TELEFON,
            )
        if index in (1, 2):
            action = services.deviation_action_add(
                deviation_id=deviation.pk,
                actor=actor,  # type: ignore[arg-type]
                description="Gemensamt möte med klienten och vårdgivaren.",
                responsible=actor,  # type: ignore[arg-type]
                due_date=timezone.localdate() + timedelta(days=7),
            )
            if index == 2:
                services.deviation_action_complete(action_id=action.pk, actor=actor)  # type: ignore[arg-type]
                services.deviation_close(
                    deviation_id=deviation.pk,
                    actor=actor,  # type: ignore[arg-type]
                    outcome_kind=Outcome.PLANEN_JUSTERAD,
                    outcome="Planen justerades vid gemensamt möte.",
                )
        created += 1
    detect_all()
    return created
