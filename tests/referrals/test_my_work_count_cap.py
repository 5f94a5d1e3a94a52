"""My work's counts stop at a cap, so a large team's page does not count every open referral."""

from referrals.selectors import lists as selectors
from tests.factories import ReferralFactory


def test_my_work_count_stops_at_the_cap_and_says_so(practitioner, monkeypatch):
    monkeypatch.setattr(selectors, "MY_WORK_COUNT_CAP", 2)
    for _ in range(3):
        ReferralFactory(person__team=practitioner.team, assigned_to=None)

    queues = selectors.my_work(user=practitioner)

    assert (queues["unassigned"]["count"], queues["unassigned"]["count_label"]) == (3, "2+")
    assert len(queues["unassigned"]["rows"]) == 3


def test_my_work_count_below_the_cap_is_exact(practitioner_client, practitioner):
    for _ in range(2):
        ReferralFactory(person__team=practitioner.team, assigned_to=None)

    response = practitioner_client.get("/my-work/")

    assert response.context["queues"]["unassigned"]["count_label"] == "2"
    assert "Unassigned in my team" in response.content.decode()
