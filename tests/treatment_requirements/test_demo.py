import pytest
from django.utils.module_loading import import_string

from treatment_requirements.enforcement import BREACH, required_action
from treatment_requirements.models import Order, Warning

pytestmark = pytest.mark.django_db


def test_demo_step_seeds_orders_that_follow_the_enforcement_rule():
    for path in [
        "accounts.demo.seed_demo_step",
        "referrals.demo.seed_demo_step",
        "assessments.demo.seed_demo_step",
    ]:
        import_string(path)(referrals=120, seed=7, password=None)
    from treatment_requirements.demo import seed_demo_step

    summary = seed_demo_step(referrals=120, seed=7, password=None)
    assert summary.startswith("Treatment requirements:")
    assert Order.objects.exists()
    for warning in Warning.objects.select_related("failure"):
        earlier = Warning.objects.filter(order=warning.order, given_on__lt=warning.given_on)
        dates = list(earlier.values_list("given_on", flat=True))
        assert required_action(warning.failure.failure_date, dates) != BREACH
        assert (
            f"up to and including {warning.period_last_day:%d/%m/%Y})" in warning.letter_text
        )
