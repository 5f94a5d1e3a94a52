import pytest
from django.utils.module_loading import import_string

from contact_log.models import Contact

pytestmark = pytest.mark.django_db


def test_demo_step_seeds_a_handful_per_person_by_their_own_team():
    for path in [
        "demo.accounts.seed_demo_step",
        "demo.referrals.seed_demo_step",
        "demo.assessments.seed_demo_step",
        "demo.treatment_requirements.seed_demo_step",
    ]:
        import_string(path)(referrals=60, seed=7, password=None)
    from demo.contact_log import seed_demo_step

    summary = seed_demo_step(referrals=60, seed=7, password=None)

    assert summary.startswith("Contact log:")
    contacts = list(Contact.objects.select_related("practitioner"))
    assert contacts and all(c.practitioner.team_id == c.author_team_id for c in contacts)
    assert Contact.objects.filter(restricted=True).exists()
    assert Contact.objects.filter(addenda__isnull=False).exists()
    per_person = {c.person_id for c in contacts}
    assert all(3 <= sum(c.person_id == p for c in contacts) <= 7 for p in per_person)
