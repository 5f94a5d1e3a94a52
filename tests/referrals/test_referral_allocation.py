"""The referral's allocation history (ReferralAllocation rows) from every way a referral is
given to someone, the person's timeline, and My work's "New to me"."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from referrals import selectors, services
from referrals.enums import AllocationKind, ReferralStatus
from referrals.models import MyWorkLook, Referral, ReferralAllocation
from tests.factories import PersonFactory, ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db

MY_WORK = reverse("referrals:my_work")
REASON = "The person was moved to a court the other team covers"


@pytest.fixture
def sam(team):
    return UserFactory(role=Role.PRACTITIONER, team=team, first_name="Sam")


@pytest.fixture
def other_lead(other_team):
    return UserFactory(role=Role.TEAM_LEAD, team=other_team, first_name="Lee")


@pytest.fixture
def kim(other_team):
    return UserFactory(role=Role.PRACTITIONER, team=other_team, first_name="Kim")


def _referrals(team, people=2, each=2):
    """`people` people of the team with `each` referrals apiece."""
    return [
        ReferralFactory(person=person)
        for person in (PersonFactory(team=team) for _ in range(people))
        for _ in range(each)
    ]


def _history(referral):
    return list(
        ReferralAllocation.objects.filter(referral=referral)
        .order_by("id")
        .values_list("kind", "assigned_to_id", "team_id", "allocated_by_id", "reason")
    )


def _fresh(referral):
    return Referral.objects.get(pk=referral.pk)


# Every allocation writes a row ------------------------------------------------------------


def test_assign_and_unassign_each_write_a_row_and_the_same_holder_again_does_not(
    team, team_lead, practitioner, sam
):
    referral, untouched = _referrals(team, people=1)

    services.referral_assign(referral=referral, assignee=practitioner, by=team_lead)
    services.referral_assign(referral=_fresh(referral), assignee=practitioner, by=team_lead)
    services.referral_assign(referral=_fresh(referral), assignee=sam, by=team_lead)
    services.referral_assign(referral=_fresh(referral), assignee=None, by=team_lead)

    allocation = AllocationKind.ALLOCATION
    assert _history(referral) == [
        (allocation, practitioner.pk, team.pk, team_lead.pk, ""),
        (allocation, sam.pk, team.pk, team_lead.pk, ""),
        (allocation, None, team.pk, team_lead.pk, ""),
    ]
    assert _history(untouched) == []


def test_bulk_allocation_writes_one_row_per_referral(client, team, team_lead, sam):
    ticked = _referrals(team)
    client.force_login(team_lead)

    client.post(
        reverse("referrals:referral_bulk_allocate"),
        {"referrals": [r.pk for r in ticked[:3]], "assigned_to": sam.pk},
    )

    assert [len(_history(r)) for r in ticked] == [1, 1, 1, 0]
    assert {_history(r)[0][1] for r in ticked[:3]} == {sam.pk}


def test_editing_who_it_is_assigned_to_writes_a_row(client, team, team_lead, sam):
    referral = _referrals(team, people=1, each=1)[0]
    client.force_login(team_lead)
    edit = reverse("referrals:referral_edit", args=[referral.pk])
    form = client.get(edit).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in {"vulnerabilities", "received_date"} and value is not None
    }
    received = timezone.localtime(referral.received_at)
    data.update(
        version=referral.version,
        site=referral.site_id,
        assigned_to=sam.pk,
        received_date=f"{received:%d/%m/%Y}",
        received_time=received.strftime("%H:%M"),
    )

    response = client.post(edit, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert _history(referral) == [(AllocationKind.ALLOCATION, sam.pk, team.pk, team_lead.pk, "")]


def test_intake_with_an_assignee_writes_a_row(practitioner_client, practitioner, intake_data):
    practitioner_client.post(reverse("referrals:intake"), intake_data())

    referral = Referral.objects.get()
    assert _history(referral) == [
        (AllocationKind.ALLOCATION, practitioner.pk, practitioner.team_id, practitioner.pk, "")
    ]


# The person's timeline --------------------------------------------------------------------


def test_timeline_shows_allocations_and_transfers_to_the_teams_that_may_see_them(
    team, team_lead, practitioner, other_lead, kim
):
    person = PersonFactory(team=team)
    moved, stays = ReferralFactory(person=person), ReferralFactory(person=person)
    services.referral_assign(referral=moved, assignee=practitioner, by=team_lead)
    services.referral_assign(referral=stays, assignee=practitioner, by=team_lead)
    services.referral_transfer(
        referral=_fresh(moved),
        team=kim.team,
        assignee=kim,
        reason=REASON,
        expected_version=_fresh(moved).version,
        by=team_lead,
    )

    ours = [e for e in selectors.person_timeline(person, practitioner) if "allocated" in e["title"]]
    theirs = selectors.person_timeline(person, kim)

    assert [e["title"] for e in ours] == [
        f"Referral {stays.reference} allocated to {practitioner.display_name}"
    ]
    titles = [e["title"] for e in theirs]
    assert f"Referral {moved.reference} transferred to {kim.team.name} ({kim.display_name})" in (
        titles
    )
    assert f"Referral {moved.reference} allocated to {practitioner.display_name}" in titles
    assert not any(stays.reference in title for title in titles)
    transfer = next(e for e in theirs if "transferred" in e["title"])
    assert (transfer["detail"], transfer["url"]) == (REASON, moved.get_absolute_url())


def test_person_page_shows_the_transfer_on_the_timeline(client, team, team_lead, kim):
    person = PersonFactory(team=team)
    referral = ReferralFactory(person=person)
    services.referral_transfer(
        referral=referral,
        team=kim.team,
        reason=REASON,
        expected_version=referral.version,
        by=team_lead,
    )
    client.force_login(kim)

    body = client.get(person.get_absolute_url()).content.decode()

    assert f"Referral {referral.reference} transferred to" in body
    assert REASON in body


# New to me ---------------------------------------------------------------------------------


def _new_to_me(user):
    since = selectors.new_to_me_since(user, selectors.my_work_last_look(user))
    return [a.referral_id for a in selectors.new_to_me(user=user, since=since)["rows"]]


def test_new_to_me_lists_what_was_given_after_the_last_look_not_at_or_before(
    team, team_lead, practitioner, sam
):
    before, at, after, sams = _referrals(team)
    look = timezone.now().replace(microsecond=0)
    with time_machine.travel(look - datetime.timedelta(seconds=1), tick=False):
        services.referral_assign(referral=before, assignee=practitioner, by=team_lead)
    with time_machine.travel(look, tick=False):
        services.referral_assign(referral=at, assignee=practitioner, by=team_lead)
    with time_machine.travel(look + datetime.timedelta(seconds=1), tick=False):
        services.referral_assign(referral=after, assignee=practitioner, by=team_lead)
        services.referral_assign(referral=sams, assignee=sam, by=team_lead)
    services.my_work_look_record(user=practitioner, looked_at=look)

    assert _new_to_me(practitioner) == [after.pk]
    assert _new_to_me(sam) == [sams.pk]  # never looked: the last 14 days


def test_new_to_me_leaves_out_what_the_user_took_themselves_and_what_moved_on(
    team, team_lead, practitioner, sam, kim
):
    taken, moved_on, transferred, kept = _referrals(team)
    services.referral_assign(referral=taken, assignee=practitioner, by=practitioner)
    services.referral_assign(referral=moved_on, assignee=practitioner, by=team_lead)
    services.referral_assign(referral=_fresh(moved_on), assignee=sam, by=team_lead)
    services.referral_assign(referral=transferred, assignee=practitioner, by=team_lead)
    services.referral_transfer(
        referral=_fresh(transferred),
        team=kim.team,
        assignee=kim,
        reason=REASON,
        expected_version=_fresh(transferred).version,
        by=team_lead,
    )
    services.referral_assign(referral=kept, assignee=practitioner, by=team_lead)

    assert _new_to_me(practitioner) == [kept.pk]
    assert _new_to_me(sam) == [moved_on.pk]
    assert _new_to_me(kim) == [transferred.pk]


def test_new_to_me_leaves_out_a_closed_referral(team, team_lead, practitioner):
    closed, still_open = _referrals(team, people=1)
    for referral in (closed, still_open):
        services.referral_assign(referral=referral, assignee=practitioner, by=team_lead)
    services.referral_transition(
        referral=closed, to_status=ReferralStatus.CLOSED, closure_reason="other", by=practitioner
    )

    assert _new_to_me(practitioner) == [still_open.pk]


def test_new_to_me_for_team_leads_includes_transfers_into_the_team_unassigned(
    team, team_lead, other_lead, kim
):
    unassigned, to_kim, then_allocated = _referrals(team, people=1, each=3)
    for referral, assignee in ((unassigned, None), (to_kim, kim), (then_allocated, None)):
        services.referral_transfer(
            referral=referral,
            team=kim.team,
            assignee=assignee,
            reason=REASON,
            expected_version=referral.version,
            by=team_lead,
        )
    services.referral_assign(referral=_fresh(then_allocated), assignee=kim, by=other_lead)

    assert _new_to_me(other_lead) == [unassigned.pk]
    assert sorted(_new_to_me(kim)) == sorted([to_kim.pk, then_allocated.pk])
    assert _new_to_me(team_lead) == []


def test_my_work_shows_new_to_me_once_then_records_the_look(client, team, team_lead, practitioner):
    first, second = _referrals(team, people=1)
    services.referral_assign(referral=first, assignee=practitioner, by=team_lead)
    client.force_login(practitioner)

    body = client.get(MY_WORK).content.decode()
    services.referral_assign(referral=second, assignee=practitioner, by=team_lead)
    again = client.get(MY_WORK).content.decode()

    section = body[
        body.index("data-new-to-me") : body.index("</table>", body.index("data-new-to-me"))
    ]
    assert first.reference in section and "Allocated to you" in section
    assert team_lead.display_name in section
    later = again[again.index("data-new-to-me") :]
    later = later[: later.index("</table>")]
    assert second.reference in later and first.reference not in later
    assert MyWorkLook.objects.filter(user=practitioner).count() == 1


def test_my_work_new_to_me_says_so_when_nothing_is_new(client, practitioner):
    client.force_login(practitioner)

    body = client.get(MY_WORK).content.decode()

    assert "Nothing new has been allocated or transferred to you since then." in body


@pytest.mark.parametrize("rows", [1, 3])
def test_my_work_query_count_does_not_grow_with_new_to_me(
    client, team, team_lead, practitioner, django_assert_num_queries, rows
):
    client.force_login(practitioner)
    client.get(MY_WORK)  # the first look: the session and the look row exist from now on
    for referral in _referrals(team, people=rows, each=1):
        services.referral_assign(referral=referral, assignee=practitioner, by=team_lead)

    with django_assert_num_queries(MY_WORK_QUERIES):
        response = client.get(MY_WORK)

    assert len(response.context["new_to_me"]["rows"]) == rows


MY_WORK_QUERIES = 15
