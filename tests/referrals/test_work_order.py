"""The keys of "most urgent first" stored on each referral (referrals.work_order) stay true
at every write that can move them, so My work's queues, read in index order, put the right
referral first: a person at risk, the urgency the screening decided, the time left to the
source's target. Several people, several referrals each, two teams; each key checked the
moment before and after the write that changes it."""

import datetime
import logging

import pytest
from django.db import connection
from django.utils import timezone

from accounts.policy import Action, Kind, scoped
from assessments.enums import RiskLevel, ScreeningDecision
from assessments.services import screening_complete
from referrals import selectors, services
from referrals.enums import ReferralSource, ReferralStatus, Urgency
from referrals.models import Referral
from referrals.work_order import repair_work_order, stale_work_order
from risks.enums import RiskType
from risks.services import risk_flag_raise, risk_flag_remove
from tests.factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db

H = datetime.timedelta(hours=1)
CUSTODY = ReferralSource.POLICE_CUSTODY
COURT = ReferralSource.MAGISTRATES_COURT


def _keys(referral) -> tuple:
    row = Referral.objects.values_list("person_at_risk", "urgency_rank", "due_at").get(
        pk=referral.pk
    )
    return row


def _data(site, *, received_at, source=CUSTODY, urgency=Urgency.ROUTINE) -> dict:
    return {
        "source": source,
        "site": site,
        "received_at": received_at,
        "referrer_name": "PC Jordan Reed",
        "referrer_role": "custody_staff",
        "referrer_organisation": "Test Constabulary",
        "reason": "Low in mood at booking-in.",
        "urgency": urgency,
    }


def _target(source) -> datetime.timedelta:
    from django.conf import settings

    return datetime.timedelta(hours=settings.LD_TIMELINESS_TARGET_HOURS[source])


def _screen(referral, by, urgency):
    return screening_complete(
        referral=referral,
        data={
            "screened_on": timezone.localdate(),
            "risk_level": RiskLevel.MEDIUM,
            "urgency": urgency,
            "decision": ScreeningDecision.FULL_ASSESSMENT,
        },
        by=by,
    )


@pytest.fixture
def people(team):
    return [PersonFactory(team=team) for _ in range(3)]


def test_a_new_referral_stores_its_target_and_urgency_and_whether_the_person_is_at_risk(
    team, site, practitioner, people
):
    now = timezone.now().replace(microsecond=0)
    at_risk, calm, _ = people
    risk_flag_raise(person=at_risk, risk_type=RiskType.SELF_HARM, by=practitioner, team=team)

    flagged = services.referral_create(
        person=at_risk, data=_data(site, received_at=now - H), by=practitioner
    )
    emergency = services.referral_create(
        person=calm,
        data=_data(site, received_at=now - 2 * H, source=COURT, urgency=Urgency.EMERGENCY),
        by=practitioner,
    )

    assert _keys(flagged) == (True, 2, now - H + _target(CUSTODY))
    assert _keys(emergency) == (False, 0, now - 2 * H + _target(COURT))
    # and on the instance the service returns
    assert (flagged.person_at_risk, flagged.urgency_rank) == (True, 2)


def test_a_self_harm_flag_moves_every_referral_of_that_person_and_no_one_else(
    team, other_team, site, practitioner, people
):
    at_risk, neighbour, _ = people
    own = [ReferralFactory(person=at_risk, site=site) for _ in range(2)]
    # the same person's referral held by another L&D team moves too: the flag is the person's
    elsewhere = ReferralFactory(person=at_risk, team=other_team)
    theirs = ReferralFactory(person=neighbour, site=site)
    before = {r.pk: _keys(r) for r in [*own, elsewhere, theirs]}
    assert {keys[0] for keys in before.values()} == {False}

    flag = risk_flag_raise(person=at_risk, risk_type=RiskType.SELF_HARM, by=practitioner, team=team)

    assert [_keys(r)[0] for r in [*own, elsewhere]] == [True, True, True]
    assert _keys(theirs) == before[theirs.pk]
    # only the risk key moved
    assert all(_keys(r)[1:] == before[r.pk][1:] for r in own)

    risk_flag_remove(flag=flag, expected_version=flag.version, reason="Reviewed", by=practitioner)

    assert [_keys(r)[0] for r in [*own, elsewhere]] == [False, False, False]


def test_the_person_stays_at_risk_while_any_self_harm_flag_is_current(
    team, site, practitioner, people
):
    person = people[0]
    referral = ReferralFactory(person=person, site=site)
    first = risk_flag_raise(person=person, risk_type=RiskType.SELF_HARM, by=practitioner, team=team)
    second = risk_flag_raise(
        person=person, risk_type=RiskType.SELF_HARM, by=practitioner, team=team
    )

    risk_flag_remove(flag=first, expected_version=first.version, reason="Seen", by=practitioner)
    assert _keys(referral)[0] is True

    second.refresh_from_db()
    risk_flag_remove(flag=second, expected_version=second.version, reason="Seen", by=practitioner)
    assert _keys(referral)[0] is False


@pytest.mark.parametrize(
    "risk_type", [RiskType.RISK_TO_STAFF, RiskType.SAFEGUARDING_CHILD, RiskType.OTHER]
)
def test_other_risk_flags_tag_the_row_but_do_not_put_it_first(
    team, site, practitioner, people, risk_type
):
    referral = ReferralFactory(person=people[0], site=site)
    extra = {"rosh_level": "high"} if risk_type == RiskType.ROSH else {}

    risk_flag_raise(person=people[0], risk_type=risk_type, by=practitioner, team=team, **extra)

    assert _keys(referral)[0] is False


def test_the_screening_decides_the_rank_and_the_target_goes_when_it_is_met(
    team, site, practitioner, people
):
    now = timezone.now().replace(microsecond=0)
    referral = services.referral_create(
        person=people[0],
        data=_data(site, received_at=now - H, urgency=Urgency.EMERGENCY),
        by=practitioner,
    )
    sibling = services.referral_create(
        person=people[0],
        data=_data(site, received_at=now - 3 * H, urgency=Urgency.URGENT),
        by=practitioner,
    )
    due = now - H + _target(CUSTODY)
    assert _keys(referral) == (False, 0, due)

    _screen(referral, practitioner, Urgency.ROUTINE)

    # screened: still awaiting assessment, so the target stands; the screening's urgency rules
    assert _keys(referral) == (False, 2, due)
    assert _keys(sibling) == (False, 1, now - 3 * H + _target(CUSTODY))

    referral.refresh_from_db()
    closed = services.referral_transition(
        referral=referral,
        to_status=ReferralStatus.CLOSED,
        closure_reason="declined",
        by=practitioner,
    )
    assert _keys(closed)[2] is None

    services.referral_transition(
        referral=closed,
        to_status=ReferralStatus.SCREENED,
        reason="Closed in error",
        by=practitioner,
    )
    assert _keys(referral) == (False, 2, due)


def test_an_edit_to_the_time_of_receipt_source_or_urgency_moves_the_keys(
    team, site, practitioner, people
):
    now = timezone.now().replace(microsecond=0)
    referral = services.referral_create(
        person=people[1], data=_data(site, received_at=now - H), by=practitioner
    )
    referral.refresh_from_db()
    referral.source = COURT
    referral.received_at = now - 5 * H
    referral.urgency = Urgency.URGENT

    services.referral_update(referral=referral, expected_version=referral.version, by=practitioner)

    assert _keys(referral) == (False, 1, now - 5 * H + _target(COURT))


def test_the_overdue_queue_starts_the_moment_after_the_target(team, site, practitioner, people):
    """The target is met at the due moment itself; a referral is overdue only after it."""
    now = timezone.now().replace(microsecond=0)
    target = _target(CUSTODY)
    at_the_moment = ReferralFactory(person=people[0], site=site, received_at=now - target)
    a_second_after = ReferralFactory(
        person=people[1], site=site, received_at=now - target - datetime.timedelta(seconds=1)
    )
    a_second_before = ReferralFactory(
        person=people[2], site=site, received_at=now - target + datetime.timedelta(seconds=1)
    )

    overdue = Referral.objects.filter(selectors.overdue_q(now))

    assert list(overdue) == [a_second_after]
    rows = {r.pk: r for r in selectors.mark_overdue(Referral.objects.all(), now)}
    assert [rows[r.pk].is_overdue for r in (a_second_before, at_the_moment, a_second_after)] == [
        False,
        False,
        True,
    ]
    assert rows[at_the_moment.pk].due_label == "due now"


def test_housekeeping_repairs_the_targets_after_the_setting_changes(
    settings, team, site, practitioner, people, caplog
):
    now = timezone.now().replace(microsecond=0)
    custody = [ReferralFactory(person=p, site=site, received_at=now - H) for p in people]
    court = ReferralFactory(person=people[0], site=site, source=COURT, received_at=now - H)
    closed = ReferralFactory(
        person=people[1], site=site, status=ReferralStatus.CLOSED, closure_reason="other"
    )
    assert repair_work_order() == 0

    settings.LD_TIMELINESS_TARGET_HOURS = {**settings.LD_TIMELINESS_TARGET_HOURS, CUSTODY: 2}
    assert set(stale_work_order(Referral.objects.all())) == set(custody)

    with caplog.at_level(logging.WARNING, logger="referrals.work_order"):
        assert repair_work_order() == 3

    assert [_keys(r)[2] for r in custody] == [now + H] * 3
    assert _keys(court)[2] == now - H + _target(COURT)
    assert _keys(closed)[2] is None
    assert "3 referrals" in caplog.text
    assert repair_work_order() == 0


def test_a_referral_written_after_the_targets_setting_changes_gets_the_new_target(
    settings, team, site, practitioner, people
):
    """The services' UPDATE is compiled once and reused: a changed setting is not missed."""
    now = timezone.now().replace(microsecond=0)
    before = services.referral_create(
        person=people[0], data=_data(site, received_at=now - H), by=practitioner
    )
    old_target = _target(CUSTODY)
    settings.LD_TIMELINESS_TARGET_HOURS = {**settings.LD_TIMELINESS_TARGET_HOURS, CUSTODY: 2}
    after = services.referral_create(
        person=people[1], data=_data(site, received_at=now - H), by=practitioner
    )

    assert _keys(after)[2] == now + H
    assert _keys(before)[2] == now - H + old_target  # written before: housekeeping's to repair
    assert list(stale_work_order(Referral.objects.all())) == [before]


def test_a_risk_raised_outside_the_services_is_found_stale_and_repaired(
    team, site, practitioner, people
):
    """A data fix by hand (or a bulk load) that passes no service: the nightly run finds it."""
    from risks.models import RiskFlag

    referral = ReferralFactory(person=people[0], site=site)
    RiskFlag.objects.create(
        person=people[0],
        risk_type=RiskType.SELF_HARM,
        raised_by=practitioner,
        raised_on=timezone.localdate(),
        team=team,
        next_review_on=timezone.localdate() + datetime.timedelta(days=30),
    )

    assert list(stale_work_order(Referral.objects.all())) == [referral]
    assert repair_work_order() == 1
    assert _keys(referral)[0] is True


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        # Statistics of this test's rows, not of whatever an earlier test on this worker
        # left: with those, a handful of rows made any index look as cheap as the queue's.
        cursor.execute("ANALYZE referrals_referral")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("queue", "index"),
    [
        ("unassigned", "referral_unassigned_urgent"),
        ("assigned", "referral_assigned_urgent"),
        ("overdue", "referral_awaiting_urgent"),
        (None, "referral_team_urgent"),  # the referral list's "Most urgent first", any status
    ],
)
def test_each_queue_reads_its_first_rows_in_order_from_its_index(
    postgres, practitioner, site, people, queue, index
):
    """The queue's order matches its index column for column (directions and NULLs last),
    so PostgreSQL walks the index and stops after the first rows instead of sorting the
    team's whole backlog."""
    for person in people:
        ReferralFactory(person=person, site=site, assigned_to=practitioner)
        ReferralFactory(person=person, site=site)
    now = timezone.now()
    rows = scoped(practitioner, Action.VIEW, Kind.REFERRAL, Referral.objects.all())
    if queue:
        rows = rows.filter(selectors.queue_q(queue, user=practitioner, now=now))
    first = rows.order_by(*selectors.most_urgent_first())[:10]

    plan = _plan(first)

    assert index in plan
    assert "Sort" not in plan
