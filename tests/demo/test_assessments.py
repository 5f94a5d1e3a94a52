import pytest
from django.core.management import call_command

from assessments import instruments, selectors
from assessments.models import Assessment, InstrumentResponse, Screening
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_assessments_that_follow_the_pathway():
    call_command("seed_demo", referrals=60, seed=7, verbosity=0)

    assessed = Referral.objects.filter(assessed_at__isnull=False)
    assert assessed.exists()
    assert Assessment.objects.filter(status="signed").count() == assessed.count()
    assert Screening.objects.count() == Referral.objects.filter(screened_at__isnull=False).count()
    for response in InstrumentResponse.objects.all()[:20]:
        result = instruments.score(response.code, response.answers)
        assert (response.total, response.band) == (result.total, result.band)
    for response in InstrumentResponse.objects.all():
        flagged = "self_harm" in response.flags
        assert response.self_harm_recorded_at == (response.completed_at if flagged else None)
    shared = [
        a
        for a in Assessment.objects.filter(status="signed")
        if selectors.assessment_for_sharing(assessment=a)
    ]
    assert 0 < len(shared) <= assessed.count()


def test_seed_assessments_twice_adds_nothing_new():
    from demo.assessments import seed_assessments

    call_command("seed_demo", referrals=30, seed=3, verbosity=0)
    before = Screening.objects.count()

    counts = seed_assessments(seed=3)

    assert counts["screenings"] == 0
    assert Screening.objects.count() == before
