"""Transferring a referral to another L&D team (services.referral_transfer and its screen):
who may, what is refused, the history row and audit entry, and what each team sees after."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from accounts.enums import AuditAction, Role, TeamKind
from accounts.models import AuditEvent
from core.concurrency import StaleEditError
from referrals import selectors, services
from referrals.enums import AllocationKind, ReferralStatus
from referrals.models import Referral, ReferralAllocation
from tests.factories import PersonFactory, ReferralFactory, TeamFactory, UserFactory
from tests.privacy import without_search_token

pytestmark = pytest.mark.django_db

REASON = "Moved to the custody suite the Westminster team covers"


@pytest.fixture
def receiving(other_team):
    """The other L&D team with a lead and two practitioners."""
    return {
        "team": other_team,
        "lead": UserFactory(role=Role.TEAM_LEAD, team=other_team, first_name="Lee"),
        "kim": UserFactory(role=Role.PRACTITIONER, team=other_team, first_name="Kim"),
        "jo": UserFactory(role=Role.PRACTITIONER, team=other_team, first_name="Jo"),
    }


@pytest.fixture
def people(team):
    """Two people of the first team, each with two open referrals."""
    first, second = PersonFactory(team=team), PersonFactory(team=team)
    return {
        "first": [ReferralFactory(person=first), ReferralFactory(person=first)],
        "second": [ReferralFactory(person=second), ReferralFactory(person=second)],
    }


def _transfer(referral, team, by, *, assignee=None, reason=REASON, version=None):
    return services.referral_transfer(
        referral=referral,
        team=team,
        assignee=assignee,
        reason=reason,
        expected_version=referral.version if version is None else version,
        by=by,
    )


def _visible(user):
    return sorted(selectors.referrals_visible_to(user).values_list("pk", flat=True))


# The service ----------------------------------------------------------------------------


def test_transfer_moves_only_that_referral_and_the_old_team_keeps_the_others(
    team_lead, practitioner, receiving, people
):
    moved, stays = people["first"]
    other_person = people["second"]

    allocation = _transfer(moved, receiving["team"], team_lead, assignee=receiving["kim"])

    moved.refresh_from_db()
    assert (moved.team_id, moved.assigned_to_id) == (receiving["team"].pk, receiving["kim"].pk)
    assert _visible(practitioner) == sorted([stays.pk, *(r.pk for r in other_person)])
    assert _visible(team_lead) == _visible(practitioner)
    assert _visible(receiving["jo"]) == [moved.pk]
    assert Referral.objects.get(pk=stays.pk).team_id == moved.person.team_id
    assert (
        allocation.kind,
        allocation.team_id,
        allocation.assigned_to_id,
        allocation.allocated_by_id,
        allocation.reason,
    ) == (AllocationKind.TRANSFER, receiving["team"].pk, receiving["kim"].pk, team_lead.pk, REASON)


def test_transfer_without_a_practitioner_leaves_it_unassigned_in_the_new_team(
    team_lead, practitioner, receiving, people
):
    referral = people["second"][0]
    services.referral_assign(referral=referral, assignee=practitioner, by=team_lead)

    _transfer(referral, receiving["team"], team_lead)

    referral.refresh_from_db()
    assert (referral.team_id, referral.assigned_to_id) == (receiving["team"].pk, None)
    assert list(
        ReferralAllocation.objects.filter(referral=referral)
        .order_by("id")
        .values_list("kind", "assigned_to_id", "team_id")
    ) == [
        (AllocationKind.ALLOCATION, practitioner.pk, referral.person.team_id),
        (AllocationKind.TRANSFER, None, receiving["team"].pk),
    ]


def test_transfer_audits_ids_only_and_writes_no_status_change(team_lead, receiving, people):
    referral = people["first"][0]
    changes_before = referral.status_changes.count()

    _transfer(referral, receiving["team"], team_lead, assignee=receiving["kim"])

    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_id=str(referral.pk))
    assert event.detail == f"transferred to team {receiving['team'].pk}"
    assert event.person_id == referral.person_id
    assert REASON not in event.detail
    assert referral.status_changes.count() == changes_before


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter why the referral is moving to another team"),
        ("   ", "Enter why the referral is moving to another team"),
        ("x" * 501, "The reason must be 500 characters or fewer"),
    ],
)
def test_transfer_needs_a_reason_of_at_most_500_characters(
    team_lead, receiving, people, reason, message
):
    referral = people["first"][0]

    with pytest.raises(ValidationError) as caught:
        _transfer(referral, receiving["team"], team_lead, reason=reason)

    assert caught.value.message_dict == {"reason": [message]}
    assert Referral.objects.get(pk=referral.pk).team_id == referral.team_id


def test_transfer_takes_a_reason_of_exactly_500_characters(team_lead, receiving, people):
    allocation = _transfer(people["first"][0], receiving["team"], team_lead, reason="y" * 500)

    assert len(allocation.reason) == 500


def _refused(referral, team, by, **kwargs):
    version = Referral.objects.get(pk=referral.pk).version
    with pytest.raises(ValidationError) as caught:
        _transfer(referral, team, by, **kwargs)
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.team_id, stored.version) == (referral.team_id, version)
    assert not ReferralAllocation.objects.filter(referral=referral).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.CHANGE).exists()
    return caught.value


def test_transfer_refuses_the_same_team(team, team_lead, people):
    error = _refused(people["first"][0], team, team_lead)

    assert error.message_dict == {
        "team": ["The referral is already with this team: choose another"]
    }


@pytest.mark.parametrize(
    ("kind", "active"),
    [
        (TeamKind.LIAISON_DIVERSION, False),
        (TeamKind.PROBATION, True),
        (TeamKind.TREATMENT_PROVIDER, True),
    ],
)
def test_transfer_refuses_an_inactive_or_non_ld_team(team_lead, people, kind, active):
    elsewhere = TeamFactory(name=f"Elsewhere {kind} {active}", kind=kind, is_active=active)

    error = _refused(people["first"][0], elsewhere, team_lead)

    assert error.message_dict == {"team": ["Choose an active Liaison & Diversion team"]}


def test_transfer_refuses_a_practitioner_outside_the_target_team_or_inactive(
    team_lead, practitioner, receiving, people
):
    third = TeamFactory(name="Third L&D team")
    outsider = UserFactory(role=Role.PRACTITIONER, team=third)
    gone = UserFactory(role=Role.PRACTITIONER, team=receiving["team"], is_active=False)
    officer = UserFactory(role=Role.PROBATION_OFFICER, team=receiving["team"])
    message = {"assignee": ["Choose an active practitioner of the team it is moving to"]}

    for wrong in (practitioner, outsider, gone, officer):
        error = _refused(people["first"][0], receiving["team"], team_lead, assignee=wrong)
        assert error.message_dict == message, wrong


def test_transfer_refuses_a_closed_referral(team_lead, receiving, people):
    referral = people["first"][0]
    Referral.objects.filter(pk=referral.pk).update(
        status=ReferralStatus.CLOSED, closure_reason="other"
    )
    referral.refresh_from_db()

    error = _refused(referral, receiving["team"], team_lead)

    assert error.messages == ["This referral is closed: reopen it before transferring it"]


def test_transfer_from_a_stale_page_is_refused_and_changes_nothing(team_lead, receiving, people):
    referral = people["first"][0]
    seen = referral.version
    services.referral_assign(referral=referral, assignee=team_lead, by=team_lead)

    with pytest.raises(StaleEditError):
        _transfer(referral, receiving["team"], team_lead, version=seen)

    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.team_id, stored.assigned_to_id) == (referral.person.team_id, team_lead.pk)
    assert not ReferralAllocation.objects.filter(kind=AllocationKind.TRANSFER).exists()


# The screen -----------------------------------------------------------------------------


def _url(referral):
    return reverse("referrals:referral_transfer", args=[referral.pk])


def test_transfer_screen_lists_other_active_ld_teams_and_their_practitioners(
    client, team, team_lead, practitioner, receiving, people
):
    TeamFactory(name="Closed L&D team", is_active=False)
    TeamFactory(name="Probation unit", kind=TeamKind.PROBATION)
    client.force_login(team_lead)

    response = client.get(_url(people["first"][0]))

    body = response.content.decode()
    assert response.status_code == 200
    assert escape(receiving["team"].name) in body
    assert "Closed L&amp;D team" not in body and "Probation unit" not in body
    assert escape(f"{receiving['kim'].display_name}, {receiving['team'].name}") in body
    assert practitioner.display_name not in body
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, user=team_lead, person_id=people["first"][0].person_id
    ).exists()


def test_transfer_screen_moves_the_referral_and_confirms_on_my_work(
    client, team_lead, receiving, people
):
    referral = people["first"][0]
    client.force_login(team_lead)

    response = client.post(
        _url(referral),
        {
            "team": receiving["team"].pk,
            "assignee": receiving["kim"].pk,
            "reason": REASON,
            "version": referral.version,
        },
        follow=True,
    )

    assert response.redirect_chain == [(reverse("referrals:my_work"), 302)]
    body = response.content.decode()
    assert (
        escape(
            f"Referral {referral.reference} transferred to {receiving['team'].name} and "
            f"allocated to {receiving['kim'].display_name}"
        )
        in body
    )
    assert Referral.objects.get(pk=referral.pk).team_id == receiving["team"].pk
    # The team it left can no longer open it.
    assert client.get(reverse("referrals:referral_detail", args=[referral.pk])).status_code == 404


def test_transfer_screen_shows_each_error_and_saves_nothing(
    client, team, team_lead, receiving, people
):
    referral = people["first"][0]
    client.force_login(team_lead)

    response = client.post(
        _url(referral),
        {"team": "", "assignee": receiving["kim"].pk, "reason": "", "version": referral.version},
    )
    wrong_team = client.post(
        _url(referral),
        {"team": team.pk, "reason": REASON, "version": referral.version},
    )
    mismatch = client.post(
        _url(referral),
        {
            "team": TeamFactory(name="Third L&D team").pk,
            "assignee": receiving["kim"].pk,
            "reason": REASON,
            "version": referral.version,
        },
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert "Choose the team to transfer the referral to" in body
    assert "Enter why the referral is moving to another team" in body
    assert wrong_team.status_code == 400
    assert "Choose an active Liaison &amp; Diversion team other than this one" in (
        wrong_team.content.decode()
    )
    assert mismatch.status_code == 400
    assert "Choose a practitioner of the team it is moving to, or nobody" in (
        mismatch.content.decode()
    )
    assert Referral.objects.get(pk=referral.pk).team_id == team.pk
    assert not ReferralAllocation.objects.exists()


def test_transfer_screen_after_someone_else_saved_says_so(client, team_lead, receiving, people):
    referral = people["first"][0]
    client.force_login(team_lead)
    seen = referral.version
    services.referral_assign(referral=referral, assignee=team_lead, by=team_lead)

    response = client.post(
        _url(referral), {"team": receiving["team"].pk, "reason": REASON, "version": seen}
    )

    assert response.status_code == 409
    assert "Someone else saved this record while you were editing it" in (response.content.decode())
    assert Referral.objects.get(pk=referral.pk).team_id == referral.person.team_id


def test_transfer_screen_refuses_practitioners_and_other_teams(
    client, practitioner, receiving, people
):
    referral = people["first"][0]
    post = {"team": receiving["team"].pk, "reason": REASON, "version": referral.version}

    client.force_login(practitioner)
    assert client.get(_url(referral)).status_code == 403
    assert client.post(_url(referral), post).status_code == 403
    client.force_login(receiving["lead"])  # a lead, but of another team
    assert client.get(_url(referral)).status_code == 404
    response = client.post(_url(referral), post)

    assert response.status_code == 404
    assert referral.person.family_name not in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).team_id == referral.person.team_id


def test_transfer_screen_for_a_closed_referral_sends_back_with_a_reason(client, team_lead, people):
    referral = people["first"][0]
    Referral.objects.filter(pk=referral.pk).update(
        status=ReferralStatus.CLOSED, closure_reason="other"
    )
    client.force_login(team_lead)

    response = client.get(_url(referral), follow=True)

    assert response.redirect_chain == [(referral.get_absolute_url(), 302)]
    assert "This referral is closed: reopen it before transferring it." in (
        response.content.decode()
    )


def test_transfer_link_only_for_whoever_may_transfer(client, team_lead, practitioner, people):
    open_referral, closed = people["first"]
    Referral.objects.filter(pk=closed.pk).update(
        status=ReferralStatus.CLOSED, closure_reason="other"
    )
    link = "Transfer to another team"

    client.force_login(team_lead)
    assert link in client.get(open_referral.get_absolute_url()).content.decode()
    assert link not in client.get(closed.get_absolute_url()).content.decode()
    client.force_login(practitioner)
    assert link not in client.get(open_referral.get_absolute_url()).content.decode()


def test_transfer_urls_carry_no_personal_data(client, team_lead, receiving, people):
    referral = people["first"][0]
    person = referral.person
    client.force_login(team_lead)

    response = client.post(
        _url(referral),
        {"team": receiving["team"].pk, "reason": REASON, "version": referral.version},
        follow=True,
    )

    urls = [_url(referral)] + [url for url, _ in response.redirect_chain]
    for url in map(without_search_token, urls):
        for secret in (person.family_name, person.given_name, person.nhs_number):
            assert secret.lower() not in url.lower()


def test_allocation_history_shows_when_to_whom_team_by_whom_and_why(
    client, team, team_lead, practitioner, receiving, people
):
    referral = people["first"][0]
    services.referral_assign(referral=referral, assignee=practitioner, by=team_lead)
    _transfer(referral, receiving["team"], team_lead)
    services.referral_assign(
        referral=Referral.objects.get(pk=referral.pk),
        assignee=receiving["jo"],
        by=receiving["lead"],
    )
    client.force_login(receiving["kim"])

    body = client.get(referral.get_absolute_url()).content.decode()

    history = body[body.index("data-allocation-history") :]
    rows = history.split("<tr")[2:5]
    assert practitioner.display_name in rows[0] and escape(team.name) in rows[0]
    assert "Transferred" in rows[1] and "Not assigned" in rows[1] and REASON in rows[1]
    assert team_lead.display_name in rows[1]
    assert receiving["jo"].display_name in rows[2] and receiving["lead"].display_name in rows[2]
