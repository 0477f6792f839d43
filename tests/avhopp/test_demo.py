"""The avhoppare demo: the three cities, uppdrag in several states, a reconciliation that is
due, and a second run that changes nothing."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from avhopp.demo import seed_avhopp
from avhopp.models import Agreement, AssignmentDetails, AssignmentMeasure, Reconciliation
from cases import demo
from cases.models import Case, Membership, Organisation
from cases.roles import ROLES_BY_KIND
from tests.factories import DEMO_TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_seed_avhopp_is_idempotent_and_spans_the_three_cities() -> None:
    with transaction.atomic():
        demo.seed(password=DEMO_TEST_PASSWORD)
        accounts = seed_avhopp(password=DEMO_TEST_PASSWORD)
    assert {"soc.malmo", "chef.malmo", "soc.jarva", "soc.farsta"} <= {a.username for a in accounts}
    agreement = Agreement.objects.get()
    kommuner = {party.parent.name for party in agreement.parties.select_related("parent")}
    assert kommuner == {"Göteborgs stad", "Malmö stad", "Stockholms stad"}
    assert agreement.parties.count() == 8  # § 1
    assert agreement.ends_on.isoformat() == "2027-12-31"
    states = set(Case.objects.filter(case_type="avhopparuppdrag").values_list("state", flat=True))
    assert states >= {"forfragan", "samrad", "accepterat", "genomforande", "avslutad", "avbruten"}
    assert AssignmentMeasure.objects.exists()
    assert Membership.objects.filter(user__username="chef.malmo", role="enhetschef").exists()
    # The base demo's rule: one user per role in every nämnd (tests/test_seed_demo.py).
    for organisation in Organisation.objects.filter(
        parent__name__in=["Malmö stad", "Stockholms stad"]
    ):
        roles = set(
            Membership.objects.filter(organisation=organisation).values_list("role", flat=True)
        )
        assert roles == set(ROLES_BY_KIND["kommun"]), organisation.name
    today = timezone.localdate()
    if today.month >= 7 or today.year > 2026:  # a previous half-year inside the agreement
        assert Reconciliation.objects.filter(due_on__lt=today, settled_at__isnull=True).exists()
    counts = (
        Case.objects.count(),
        AssignmentMeasure.objects.count(),
        Reconciliation.objects.count(),
    )
    with transaction.atomic():
        seed_avhopp(password=DEMO_TEST_PASSWORD)
    assert counts == (
        Case.objects.count(),
        AssignmentMeasure.objects.count(),
        Reconciliation.objects.count(),
    )
    assert AssignmentDetails.objects.filter(case__client__protected_identity=True).count() == 7
