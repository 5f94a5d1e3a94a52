"""Screened and assessed come from the pathway's records (issue 12, item 10).

A referral is screened when its screening is completed and assessed when its assessment is
signed; the referral page's status form only closes and reopens.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.enums import ScreeningDecision
from referrals.enums import ReferralStatus
from referrals.models import Referral
from referrals.services import referral_transition
from tests.assessments.factories import complete_assessment
from tests.factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(team, practitioner):
    return PersonFactory(team=team, created_by=practitioner)


@pytest.fixture
def referrals(person, site, practitioner):
    """Three referrals of the same person, all received."""
    rows = [ReferralFactory(person=person, site=site, created_by=practitioner) for _ in range(3)]
    for referral in rows:
        referral.status_changes.create(
            from_status="",
            to_status="received",
            changed_by=practitioner,
            reason="Referral received",
        )
    return rows


def _screen(referral, by, decision=ScreeningDecision.FULL_ASSESSMENT, **extra):
    data = {
        "screened_on": timezone.localdate(),
        "risk_level": "medium",
        "urgency": "urgent",
        "decision": decision,
        **extra,
    }
    return assessment_services.screening_complete(referral=referral, data=data, by=by)


def _sign(referral, by):
    assessment = complete_assessment(referral=referral, started_by=by)
    return assessment_services.assessment_sign(
        assessment=assessment, by=by, expected_version=assessment.version
    )


def _move(client, referral, **data):
    data.setdefault("version", Referral.objects.get(pk=referral.pk).version)
    return client.post(reverse("referrals:referral_transition", args=[referral.pk]), data)


def _states(rows):
    fresh = Referral.objects.in_bulk([r.pk for r in rows])
    return [
        (
            fresh[r.pk].status,
            fresh[r.pk].screened_at is not None,
            fresh[r.pk].assessed_at is not None,
        )
        for r in rows
    ]


# Manual moves to screened or assessed are refused ----------------------------------------


@pytest.mark.parametrize(
    "to_status, message",
    [
        ("screened", "A referral is screened only when its screening is recorded"),
        ("assessed", "A referral is assessed only when its full assessment is signed"),
    ],
)
def test_status_form_refuses_screened_and_assessed_with_a_message(
    practitioner_client, referrals, to_status, message
):
    first, second, third = referrals

    response = _move(practitioner_client, second, to_status=to_status)

    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert message in body
    assert _states(referrals) == [("received", False, False)] * 3
    assert second.status_changes.count() == 1


def test_status_form_refuses_assessed_for_a_screened_referral(
    practitioner_client, referrals, practitioner
):
    first, second, third = referrals
    _screen(second, practitioner)

    response = _move(practitioner_client, second, to_status="assessed")

    assert response.status_code == 400
    assert "A referral is assessed only when its full assessment is signed" in (
        response.content.decode()
    )
    assert _states(referrals) == [
        ("received", False, False),
        ("screened", True, False),
        ("received", False, False),
    ]


@pytest.mark.parametrize("to_status", ["screened", "assessed"])
def test_service_refuses_a_manual_move_to_a_record_state(referrals, practitioner, to_status):
    first, second, third = referrals

    with pytest.raises(ValidationError) as refused:
        referral_transition(referral=second, to_status=to_status, by=practitioner)

    assert list(refused.value.message_dict) == ["to_status"]
    assert _states(referrals) == [("received", False, False)] * 3


def test_service_refuses_a_record_of_another_referral(referrals, practitioner):
    first, second, third = referrals
    screening = _screen(first, practitioner)

    with pytest.raises(ValueError):
        referral_transition(
            referral=second, to_status="screened", by=practitioner, by_record=screening
        )

    assert _states(referrals)[1] == ("received", False, False)


def test_screen_this_referral_stays_offered_after_a_refused_manual_move(
    practitioner_client, referrals
):
    first, second, third = referrals
    _move(practitioner_client, second, to_status="screened")

    page = practitioner_client.get(second.get_absolute_url()).content.decode()

    assert "Screen this referral" in page
    assert Referral.objects.get(pk=second.pk).status == "received"


# What the status form offers ---------------------------------------------------------------


def _offered(client, referral):
    import re

    page = client.get(referral.get_absolute_url()).content.decode()
    form = page[page.find(reverse("referrals:referral_transition", args=[referral.pk])) :]
    return re.findall(r'name="to_status"[^>]*value="([a-z]+)"', form[: form.find("</form>")])


def test_status_form_offers_only_close_to_open_referrals(
    practitioner_client, referrals, practitioner
):
    first, second, third = referrals
    _screen(second, practitioner)
    _screen(third, practitioner)
    _sign(third, practitioner)

    offered = [_offered(practitioner_client, r) for r in referrals]

    assert _states(referrals) == [
        ("received", False, False),
        ("screened", True, False),
        ("assessed", True, True),
    ]
    assert offered == [["closed"], ["closed"], ["closed"]]


# Close and reopen still work ----------------------------------------------------------------


def test_close_and_reopen_of_a_received_referral(practitioner_client, referrals):
    first, second, third = referrals

    closed = _move(practitioner_client, first, to_status="closed", closure_reason="duplicate")
    reopened = _move(practitioner_client, first, to_status="received", reason="Not a duplicate")

    assert (closed.status_code, reopened.status_code) == (302, 302)
    assert _states(referrals) == [("received", False, False)] * 3
    assert list(first.status_changes.values_list("from_status", "to_status", "reason")) == [
        ("", "received", "Referral received"),
        ("received", "closed", "Duplicate referral"),
        ("closed", "received", "Not a duplicate"),
    ]


def test_reopened_referral_goes_back_to_the_state_its_records_reached(
    practitioner_client, referrals, practitioner
):
    first, second, third = referrals
    _screen(second, practitioner)
    _screen(third, practitioner)
    _sign(third, practitioner)
    for referral in referrals:
        _move(practitioner_client, referral, to_status="closed", closure_reason="declined")
    offered = [_offered(practitioner_client, r) for r in referrals]

    responses = [
        _move(practitioner_client, r, to_status=status, reason="Person asked to re-engage")
        for r, status in zip(referrals, ["received", "screened", "assessed"], strict=True)
    ]

    assert offered == [["received"], ["screened"], ["assessed"]]
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert _states(referrals) == [
        ("received", False, False),
        ("screened", True, False),
        ("assessed", True, True),
    ]


def test_reopen_to_a_state_the_records_did_not_reach_is_refused(
    practitioner_client, referrals, practitioner
):
    first, second, third = referrals
    _screen(second, practitioner)
    for referral in (first, second):
        _move(practitioner_client, referral, to_status="closed", closure_reason="declined")

    skipped = _move(practitioner_client, first, to_status="screened", reason="Re-engaged")
    undone = _move(practitioner_client, second, to_status="received", reason="Re-engaged")

    assert (skipped.status_code, undone.status_code) == (400, 400)
    assert "A referral is screened only when its screening is recorded" in (
        skipped.content.decode()
    )
    assert _states([first, second]) == [("closed", False, False), ("closed", True, False)]


# The records still move the state ----------------------------------------------------------


def test_screening_and_signing_move_only_their_own_referral(referrals, practitioner):
    first, second, third = referrals

    _screen(second, practitioner)
    _screen(third, practitioner)
    _sign(third, practitioner)

    assert _states(referrals) == [
        ("received", False, False),
        ("screened", True, False),
        ("assessed", True, True),
    ]
    assert list(third.status_changes.values_list("to_status", "reason")) == [
        ("received", "Referral received"),
        ("screened", "Screened"),
        ("assessed", "Assessment signed"),
    ]


def test_screening_with_no_further_action_screens_then_closes(referrals, practitioner):
    first, second, third = referrals

    _screen(
        first,
        practitioner,
        ScreeningDecision.NO_FURTHER_ACTION,
        no_further_action_reason="declined",
    )

    assert _states(referrals)[0] == ("closed", True, False)
    assert list(first.status_changes.values_list("from_status", "to_status")) == [
        ("", "received"),
        ("received", "screened"),
        ("screened", "closed"),
    ]


def test_screen_this_referral_is_offered_for_each_received_referral(
    practitioner_client, referrals, practitioner
):
    first, second, third = referrals
    _screen(second, practitioner)

    pages = [practitioner_client.get(r.get_absolute_url()).content.decode() for r in referrals]

    assert ["Screen this referral" in page for page in pages] == [True, False, True]
    assert ReferralStatus(Referral.objects.get(pk=second.pk).status) == ReferralStatus.SCREENED
