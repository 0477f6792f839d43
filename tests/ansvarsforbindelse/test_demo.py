"""The demo commitments: one signed and sent (with its archived PDF/A) and one draft per case
type, on demo cases past the kommun's decision; running the seed again adds nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ansvarsforbindelse.demo import seed_commitments
from ansvarsforbindelse.models import Ansvarsforbindelse, CommitmentState
from cases import demo
from tests.factories import DEMO_TEST_PASSWORD


def test_seed_commitments_is_idempotent_and_archives_the_signed_ones(db, media) -> None:
    demo.seed(password=DEMO_TEST_PASSWORD)  # may already call seed_commitments()
    seed_commitments()
    by_type = {
        (c.case.case_type, c.state) for c in Ansvarsforbindelse.objects.select_related("case")
    }
    assert by_type >= {
        ("kontraktsvard", CommitmentState.SKICKAD),
        ("kontraktsvard", CommitmentState.UTKAST),
        ("vardvistelse", CommitmentState.SKICKAD),
        ("vardvistelse", CommitmentState.UTKAST),
    }
    for commitment in Ansvarsforbindelse.objects.filter(state=CommitmentState.SKICKAD):
        data = Path(commitment.pdf.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == commitment.pdf_sha256
        assert commitment.payment_start == commitment.case.care.transfer_date
        assert commitment.sent_to is not None and commitment.signed_by is not None
    assert Ansvarsforbindelse.objects.count() == 4
    assert seed_commitments() == []
    assert Ansvarsforbindelse.objects.count() == 4
