"""Reoffending follow-up of every referral: who holds it, the 12-month window, the screens.

The referral below was received at 00:30 BST on 1 April 2025 (23:30 UTC on 31 March), so
its window is 1 April 2025 to 31 March 2026 and its check falls due on 1 April 2026.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent
from tests.factories import ReferralFactory
from treatment_requirements import services
from treatment_requirements.models import ReoffendingEvent

from .factories import OrderFactory

LONDON = ZoneInfo("Europe/London")
RECEIVED = datetime.datetime(2025, 3, 31, 23, 30, tzinfo=datetime.UTC)
TODAY = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON)
d = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def referral(practitioner):
    return ReferralFactory(
        person__team=practitioner.team,
        person__created_by=practitioner,
        created_by=practitioner,
        received_at=RECEIVED,
    )


@pytest.fixture
def ordered_referral(referral, officer):
    """A second referral of the same person, from which an order was made."""
    second = ReferralFactory(
        person=referral.person,
        team=referral.team,
        created_by=referral.created_by,
        received_at=datetime.datetime(2025, 5, 1, 10, 0, tzinfo=LONDON),
    )
    OrderFactory(referral=second, responsible_officer=officer)
    return second


def _new_url(referral):
    return reverse("treatment_requirements:reoffending_new", args=[referral.pk])


def _check_url(referral):
    return reverse("treatment_requirements:reoffending_check", args=[referral.pk])


def _errors(response) -> str:
    html = response.content.decode()
    start = html.find("govuk-error-summary")
    return html[start : start + 3000] if start >= 0 else ""


# Recording ----------------------------------------------------------------------------------


def test_ld_practitioner_records_a_rearrest_on_a_referral_without_an_order(
    client, referral, practitioner
):
    client.force_login(practitioner)

    response = client.post(
        _new_url(referral), {"kind": "rearrest", "occurred_on": "31/03/2026", "notes": "Theft"}
    )

    assert response.status_code == 302
    assert response.url == f"{referral.get_absolute_url()}#reoffending"
    event = ReoffendingEvent.objects.get()
    assert (event.referral, event.person, event.kind, event.occurred_on, event.recorded_by) == (
        referral,
        referral.person,
        "rearrest",
        d(2026, 3, 31),
        practitioner,
    )
    audit = AuditEvent.objects.filter(action="create", person_id=referral.person_id).latest("id")
    assert audit.user == practitioner


@pytest.mark.parametrize(
    ("occurred_on", "accepted"),
    [
        ("30/03/2025", False),  # before the referral
        ("31/03/2025", False),  # the UTC date of receipt: in London it was already 1 April
        ("01/04/2025", True),  # the London date of receipt
        ("30/03/2026", True),  # the day before the window ends
        ("31/03/2026", True),  # its last day
        ("01/04/2026", False),  # the anniversary: the day after the window
    ],
)
def test_event_must_fall_within_the_12_months_beginning_with_the_referral(
    client, referral, practitioner, occurred_on, accepted
):
    client.force_login(practitioner)

    response = client.post(_new_url(referral), {"kind": "rearrest", "occurred_on": occurred_on})

    assert ReoffendingEvent.objects.count() == (1 if accepted else 0)
    if not accepted:
        assert response.status_code == 400
        assert (
            "Date of the re-arrest or reconviction must be within the 12 months beginning with "
            "the referral, 1 April 2025 to 31 March 2026"
        ) in _errors(response)


def test_the_same_event_is_not_recorded_twice_on_a_referral(referral, practitioner):
    services.reoffending_record(
        referral=referral, kind="rearrest", occurred_on=d(2025, 9, 1), by=practitioner
    )

    with pytest.raises(ValidationError, match="already recorded for this referral"):
        services.reoffending_record(
            referral=referral, kind="rearrest", occurred_on=d(2025, 9, 1), by=practitioner
        )
    services.reoffending_record(
        referral=referral, kind="reconviction", occurred_on=d(2025, 9, 1), by=practitioner
    )
    assert referral.reoffending_events.count() == 2


def test_check_is_recorded_from_the_day_after_the_window_and_once(referral, practitioner):
    with pytest.raises(ValidationError, match="recorded from 01/04/2026"):
        services.reoffending_check_complete(
            referral=referral, checked_on=d(2026, 3, 31), by=practitioner
        )

    services.reoffending_check_complete(
        referral=referral, checked_on=d(2026, 4, 1), by=practitioner
    )

    referral.refresh_from_db()
    assert referral.reoffending_checked_on == d(2026, 4, 1)
    with pytest.raises(ValidationError, match="already recorded on 01/04/2026"):
        services.reoffending_check_complete(
            referral=referral, checked_on=d(2026, 4, 2), by=practitioner
        )


def test_probation_officer_records_for_the_referral_their_order_came_from(
    client, ordered_referral, officer
):
    order = ordered_referral.orders.get()
    client.force_login(officer)

    response = client.post(
        _new_url(ordered_referral), {"kind": "reconviction", "occurred_on": "01/08/2025"}
    )

    assert response.status_code == 302
    assert response.url == f"{order.get_absolute_url()}#reoffending"
    assert ordered_referral.reoffending_events.get().recorded_by == officer
    assert order.events.latest("id").summary == (
        f"Reconviction recorded for referral {ordered_referral.reference}"
    )


# Who may record --------------------------------------------------------------------------


def test_who_may_follow_up_a_referral_without_an_order(
    client, referral, practitioner, team_lead, outsider, officer, clinician, commissioner
):
    expected = {
        practitioner: 200,
        team_lead: 200,
        outsider: 404,  # another L&D team
        officer: 403,  # no order: not probation's case
        clinician: 403,
        commissioner: 403,
    }
    seen = {}
    for user in expected:
        client.force_login(user)
        response = client.get(_new_url(referral))
        seen[user] = response.status_code
        if response.status_code != 200:
            assert referral.person.family_name not in response.content.decode()
    assert seen == expected


def test_who_may_follow_up_once_an_order_was_made(
    client, ordered_referral, practitioner, officer, other_officer, commissioner
):
    expected = {
        officer: 200,  # the supervising probation team holds the case now
        other_officer: 404,  # another probation team
        practitioner: 403,  # the L&D team handed the case on
        commissioner: 403,
    }
    seen = {}
    for user in expected:
        client.force_login(user)
        response = client.post(_check_url(ordered_referral), {"checked_on": "01/05/2026"})
        seen[user] = response.status_code if response.status_code != 302 else 200
        if response.status_code not in (200, 302):
            assert ordered_referral.person.family_name not in response.content.decode()
    assert seen == expected


# The screens ---------------------------------------------------------------------------------


def test_referral_page_shows_the_follow_up_and_who_holds_it(
    client, referral, ordered_referral, practitioner
):
    services.reoffending_record(
        referral=referral, kind="rearrest", occurred_on=d(2025, 12, 2), by=practitioner
    )
    client.force_login(practitioner)

    page = client.get(referral.get_absolute_url()).content.decode()
    section = page[page.index('id="reoffending"') :]
    assert "1 April 2025 to 31 March 2026. Followed up by the L&amp;D team." in section
    assert "Check due 1 April 2026." in section
    assert _new_url(referral) in section
    assert _check_url(referral) in section
    assert "Re-arrest on 2 Dec 2025" in section

    other = client.get(ordered_referral.get_absolute_url()).content.decode()
    section = other[other.index('id="reoffending"') :]
    assert "Followed up by the supervising probation team, as an order was made." in section
    assert _new_url(ordered_referral) not in section
    assert "No re-arrests or reconvictions recorded." in section


def test_record_the_check_is_offered_only_once_the_12_months_have_ended(client, practitioner):
    ends_today = ReferralFactory(
        person__team=practitioner.team, received_at=datetime.datetime(2025, 6, 15, 9, tzinfo=LONDON)
    )
    ends_tomorrow = ReferralFactory(
        person__team=practitioner.team, received_at=datetime.datetime(2025, 6, 16, 9, tzinfo=LONDON)
    )
    client.force_login(practitioner)

    due = client.get(ends_today.get_absolute_url()).content.decode()
    not_yet = client.get(ends_tomorrow.get_absolute_url()).content.decode()

    assert "Check due 15 June 2026. <a" in due
    assert _check_url(ends_today) in due
    assert "Check due 16 June 2026.</p>" in not_yet
    assert _check_url(ends_tomorrow) not in not_yet


def test_order_page_shows_its_referrals_follow_up(client, ordered_referral, referral, officer):
    order = ordered_referral.orders.get()
    services.reoffending_record(
        referral=ordered_referral, kind="rearrest", occurred_on=d(2025, 8, 1), by=officer
    )
    services.reoffending_record(
        referral=referral, kind="reconviction", occurred_on=d(2025, 9, 1), by=officer
    )
    client.force_login(officer)

    page = client.get(order.get_absolute_url()).content.decode()
    section = page[page.index('id="reoffending"') :]
    assert f"Referral {ordered_referral.reference}: re-arrests and reconvictions" in section
    assert "1 May 2025 to 30 April 2026" in section
    assert "Check due 1 May 2026. <a" in section  # due: 15 June 2026 is after it
    assert "Re-arrest on 1 Aug 2025" in section
    assert "Reconviction" not in section.split("History")[0]


def test_my_work_lists_the_teams_reoffending_checks_due(
    client, referral, ordered_referral, practitioner, other_team
):
    team = practitioner.team
    checked = ReferralFactory(
        person__team=team, received_at=RECEIVED, reoffending_checked_on=d(2026, 4, 2)
    )
    not_yet = ReferralFactory(
        person__team=team, received_at=datetime.datetime(2025, 6, 16, 9, tzinfo=LONDON)
    )
    due_today = ReferralFactory(
        person__team=team, received_at=datetime.datetime(2025, 6, 15, 9, tzinfo=LONDON)
    )
    elsewhere = ReferralFactory(person__team=other_team, received_at=RECEIVED)
    client.force_login(practitioner)

    page = client.get(reverse("referrals:my_work")).content.decode()
    queue = page[page.index('<section id="reoffending">') :]
    listing = client.get(reverse("referrals:referral_list"), {"queue": "reoffending"})

    shown = {r.reference for r in [referral, due_today] if r.reference in queue}
    hidden = [r for r in [ordered_referral, checked, not_yet, elsewhere] if r.reference in queue]
    assert shown == {referral.reference, due_today.reference}
    assert hidden == []
    assert [r.reference for r in listing.context["rows"]] == [
        due_today.reference,
        referral.reference,
    ]
    assert "2</span> reoffending checks due" in page


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_my_work_reoffending_queue_query_count_is_the_same_for_1_and_3_rows(
    client, referral, practitioner, django_assert_num_queries
):
    url = reverse("referrals:my_work")
    client.force_login(practitioner)
    client.get(url)
    with_one_row = _queries(client, url)
    for _ in range(2):
        ReferralFactory(person__team=practitioner.team, received_at=RECEIVED)

    with django_assert_num_queries(with_one_row):
        response = client.get(url)

    assert len(response.context["queues"]["reoffending"]["rows"]) == 3


def test_referral_page_follow_up_query_count_is_the_same_for_1_and_3_events(
    client, referral, practitioner, django_assert_num_queries
):
    services.reoffending_record(
        referral=referral, kind="rearrest", occurred_on=d(2025, 5, 1), by=practitioner
    )
    client.force_login(practitioner)
    url = referral.get_absolute_url()
    client.get(url)
    with_one_event = _queries(client, url)
    for month in (6, 7):
        services.reoffending_record(
            referral=referral, kind="rearrest", occurred_on=d(2025, month, 1), by=practitioner
        )

    with django_assert_num_queries(with_one_event):
        page = client.get(url).content.decode()

    assert page.count("Re-arrest on ") == 3
