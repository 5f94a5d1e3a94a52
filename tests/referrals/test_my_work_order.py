"""My work reads most urgent first: a person at risk, then the referral's urgency, then how
close the referral is to its source's timeliness target (custody's is hours, a court's or a
self-referral's longer), soonest or most overdue first. The referral list offers the same
order ("Most urgent first") and My work's "See all" links use it, so the whole queue reads
the same. Each queue shows how long is left to the target (or how long it is overdue) and
a Risk column."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from assessments import services as assessment_services
from referrals.enums import ReferralSource, ReferralStatus, Urgency
from referrals.selectors import lists as selectors
from tests.factories import PersonFactory, ReferralFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

MY_WORK = reverse("referrals:my_work")
LIST = reverse("referrals:referral_list")
H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)
TARGETS = {  # hours: custody is hours, courts and self-referrals days
    "police_custody": 4,
    "voluntary_attendance": 24,
    "magistrates_court": 120,
    "youth_court": 120,
    "crown_court": 120,
    "probation": 72,
    "self": 72,
    "other": 72,
}


@pytest.fixture(autouse=True)
def _targets(settings):
    settings.LD_TIMELINESS_TARGET_HOURS = TARGETS


def _at_risk(person, by):
    """PHQ-9 item 9 answered above 0: the self-harm marker on the person's rows."""
    assessment_services.instrument_save(code="PHQ-9", answers=[0] * 8 + [1], person=person, by=by)


def _refer(person, site, *, received_at, source=ReferralSource.POLICE_CUSTODY, **extra):
    return ReferralFactory(
        person=person, site=site, source=source, received_at=received_at, **extra
    )


def _references(rows):
    return [row.reference for row in rows]


def _page_references(html: str, section: str) -> list[str]:
    """The references in one My work section, in the order a user reads them."""
    start = html.index(f'<section id="{section}">')
    part = html[start : html.index("</section>", start)]
    return re.findall(r">(R\d{6})</a>", part)


@pytest.fixture
def queue(team, site, practitioner):
    """Team A's unassigned queue: four people, some with several referrals, every key of the
    order in play. Team B has the same kinds of referral, none of which team A sees."""
    now = timezone.now()
    at_risk, calm, other, settled = (PersonFactory(team=team) for _ in range(4))
    _at_risk(at_risk, practitioner)
    court = ReferralSource.MAGISTRATES_COURT
    rows = {
        # at risk, routine, court received an hour ago: due in 4 days 23 hours
        "risk_routine": _refer(at_risk, site, received_at=now - H, source=court),
        # at risk, emergency self-referral two days ago: due in a day
        "risk_emergency": _refer(
            at_risk, site, received_at=now - 2 * D, source="self", urgency=Urgency.EMERGENCY
        ),
        # no risk, emergency custody an hour ago: due in 3 hours
        "emergency_custody": _refer(calm, site, received_at=now - H, urgency=Urgency.EMERGENCY),
        # no risk, urgent custody five hours ago: overdue by an hour
        "urgent_overdue": _refer(calm, site, received_at=now - 5 * H, urgency=Urgency.URGENT),
        # no risk, urgent court two days ago: due in 3 days
        "urgent_court": _refer(
            other, site, received_at=now - 2 * D, source=court, urgency=Urgency.URGENT
        ),
        # routine custody an hour ago (4-hour target) before routine court two days ago
        "routine_custody": _refer(other, site, received_at=now - H),
        "routine_court": _refer(other, site, received_at=now - 2 * D, source=court),
        # routine court ten days ago: overdue by 5 days, the most overdue routine
        "routine_very_late": _refer(settled, site, received_at=now - 10 * D, source=court),
        # assessed: its target is met, so it waits behind every referral still awaiting
        "routine_assessed": _refer(
            settled,
            site,
            received_at=now - 20 * D,
            status=ReferralStatus.ASSESSED,
            screened_at=now - 19 * D,
            assessed_at=now - 19 * D,
        ),
    }
    theirs = PersonFactory(team=SiteFactory().team)
    other_site = SiteFactory(team=theirs.team)
    _refer(theirs, other_site, received_at=now - H, urgency=Urgency.EMERGENCY)
    _refer(theirs, other_site, received_at=now - 10 * D, source=court)
    return rows


EXPECTED = [
    "risk_emergency",
    "risk_routine",
    "emergency_custody",
    "urgent_overdue",
    "urgent_court",
    "routine_very_late",
    "routine_custody",
    "routine_court",
    "routine_assessed",
]


def test_my_work_queue_is_risk_then_urgency_then_time_to_target(practitioner_client, queue):
    html = practitioner_client.get(MY_WORK).content.decode()

    assert _page_references(html, "unassigned") == [queue[key].reference for key in EXPECTED]


def test_assigned_queue_uses_the_same_order_for_each_practitioner(
    client, practitioner, team, queue
):
    colleague = UserFactory(role=Role.PRACTITIONER, team=team, username="colleague")
    mine = ["routine_court", "urgent_overdue", "risk_routine", "routine_very_late"]
    theirs = ["emergency_custody", "routine_custody", "risk_emergency"]
    for keys, user in ((mine, practitioner), (theirs, colleague)):
        for key in keys:
            queue[key].assigned_to = user
            queue[key].save()

    seen = {}
    for user in (practitioner, colleague):
        client.force_login(user)
        seen[user.username] = _page_references(client.get(MY_WORK).content.decode(), "assigned")

    assert seen == {
        "practitioner": [
            queue[key].reference
            for key in ("risk_routine", "urgent_overdue", "routine_very_late", "routine_court")
        ],
        "colleague": [
            queue[key].reference
            for key in ("risk_emergency", "emergency_custody", "routine_custody")
        ],
    }


def test_overdue_queue_is_risk_then_urgency_then_most_overdue(practitioner_client, queue):
    html = practitioner_client.get(MY_WORK).content.decode()

    assert _page_references(html, "overdue") == [
        queue[key].reference for key in ("urgent_overdue", "routine_very_late")
    ]


def test_new_emergency_custody_referral_is_first_on_my_work_among_many_older_routine(
    client, team, site, practitioner, other_team
):
    now = timezone.now()
    sources = [ReferralSource.MAGISTRATES_COURT, ReferralSource.SELF, ReferralSource.PROBATION]
    for n in range(15):  # more than the 10 rows My work shows per queue
        person = PersonFactory(team=team)
        for k in range(2):  # several referrals per person
            _refer(person, site, received_at=now - (n + 3) * D - k * H, source=sources[n % 3])
    other_site = SiteFactory(team=other_team)
    for n in range(12):
        _refer(PersonFactory(team=other_team), other_site, received_at=now - (n + 3) * D)
    new = _refer(
        PersonFactory(team=team), site, received_at=timezone.now(), urgency=Urgency.EMERGENCY
    )
    outsider = UserFactory(role=Role.PRACTITIONER, team=other_team, username="westminster")

    client.force_login(practitioner)
    ours = client.get(MY_WORK).content.decode()
    client.force_login(outsider)
    theirs = client.get(MY_WORK).content.decode()

    unassigned = _page_references(ours, "unassigned")
    assert (len(unassigned), unassigned[0]) == (10, new.reference)
    assert new.reference not in theirs
    row = ours[ours.index(f">{new.reference}<") :]
    assert re.search(r"data-due>In (3 hours 59 minutes|4 hours)</td>", row[:2500])


@pytest.mark.parametrize(
    "source, received_ago, label, overdue",
    [
        # custody, 4 hours: the hour before, of and after the target
        (ReferralSource.POLICE_CUSTODY, 3 * H, "in 1 hour", False),
        (ReferralSource.POLICE_CUSTODY, 4 * H, "due now", False),
        (ReferralSource.POLICE_CUSTODY, 5 * H, "overdue by 1 hour", True),
        (
            ReferralSource.POLICE_CUSTODY,
            4 * H - datetime.timedelta(minutes=20),
            "in 20 minutes",
            False,
        ),
        # court, 5 days: the day before, of and after
        (ReferralSource.CROWN_COURT, 4 * D, "in 1 day", False),
        (ReferralSource.CROWN_COURT, 5 * D, "due now", False),
        (ReferralSource.CROWN_COURT, 6 * D, "overdue by 1 day", True),
        (ReferralSource.CROWN_COURT, 2 * D, "in 3 days", False),
        (ReferralSource.CROWN_COURT, 7 * D + 23 * H, "overdue by 2 days", True),
    ],
)
def test_due_says_how_long_is_left_or_overdue_around_the_target(
    team, site, practitioner, source, received_ago, label, overdue
):
    now = timezone.now()
    referral = _refer(PersonFactory(team=team), site, received_at=now - received_ago, source=source)

    queues = selectors.my_work(user=practitioner, now=now)

    (row,) = queues["unassigned"]["rows"]
    assert (row.pk, row.due_label, row.is_overdue) == (referral.pk, label, overdue)
    assert _references(queues["overdue"]["rows"]) == ([referral.reference] if overdue else [])


def test_hour_before_of_and_after_each_target_are_read_most_overdue_first(team, site, practitioner):
    now = timezone.now()
    people = [PersonFactory(team=team) for _ in range(3)]
    custody, court = ReferralSource.POLICE_CUSTODY, ReferralSource.CROWN_COURT
    made = {
        name: _refer(people[i % 3], site, received_at=now - ago, source=source)
        for i, (name, source, ago) in enumerate(
            [
                ("custody_before", custody, 3 * H),
                ("custody_at", custody, 4 * H),
                ("custody_after", custody, 5 * H),
                ("court_before", court, 4 * D),
                ("court_at", court, 5 * D),
                ("court_after", court, 6 * D),
            ]
        )
    }

    rows = selectors.my_work(user=practitioner, now=now)["unassigned"]["rows"]

    assert [(row.reference, row.due_label) for row in rows] == [
        (made["court_after"].reference, "overdue by 1 day"),
        (made["custody_after"].reference, "overdue by 1 hour"),
        # the same due moment: the one received first
        (made["court_at"].reference, "due now"),
        (made["custody_at"].reference, "due now"),
        (made["custody_before"].reference, "in 1 hour"),
        (made["court_before"].reference, "in 1 day"),
    ]


def test_custody_an_hour_old_comes_before_a_court_referral_two_days_old(team, site, practitioner):
    now = timezone.now()
    court = _refer(
        PersonFactory(team=team), site, received_at=now - 2 * D, source=ReferralSource.CROWN_COURT
    )
    custody = _refer(PersonFactory(team=team), site, received_at=now - H)

    rows = selectors.my_work(user=practitioner, now=now)["unassigned"]["rows"]

    assert [(row.reference, row.due_label) for row in rows] == [
        (custody.reference, "in 3 hours"),
        (court.reference, "in 3 days"),
    ]


def test_my_work_tables_have_risk_and_due_columns(practitioner_client, queue):
    html = practitioner_client.get(MY_WORK).content.decode()
    unassigned = html[html.index('<section id="unassigned">') :]
    unassigned = unassigned[: unassigned.index("</section>")]

    assert html.count('<th scope="col" class="govuk-table__header">Risk</th>') == 4
    assert html.count('<th scope="col" class="govuk-table__header">Due</th>') == 4
    # Each row once in this queue: 2 at-risk rows tagged, 7 say "None" to a screen reader.
    assert unassigned.count("data-person-marker>Self-harm risk</strong>") == 2
    assert unassigned.count('<span class="govuk-visually-hidden">None</span>') == 7
    assert "data-due><strong>Overdue by 5 days</strong></td>" in unassigned
    assert "data-due><strong>Overdue by 1 hour</strong></td>" in unassigned
    assert (
        "data-due>In 3 hours</td>" in unassigned or "data-due>In 2 hours 59 minutes" in unassigned
    )


def test_see_all_links_read_the_whole_queue_most_urgent_first(
    practitioner_client, queue, monkeypatch
):
    monkeypatch.setattr(selectors, "MY_WORK_LIMIT", 3)
    html = practitioner_client.get(MY_WORK).content.decode()
    link = f"{LIST}?queue=unassigned&amp;sort=urgent"

    listed = practitioner_client.get(LIST, {"queue": "unassigned", "sort": "urgent"})

    assert f'<a class="govuk-link" href="{link}">See all 9 unassigned in my team</a>' in html
    assert _page_references(html, "unassigned") == [queue[k].reference for k in EXPECTED[:3]]
    assert _references(listed.context["rows"]) == [queue[key].reference for key in EXPECTED]
    listed_html = listed.content.decode()
    assert '<option value="urgent" selected>Most urgent first</option>' in listed_html
    # the same Risk and Due columns as My work say why each row is where it is
    assert listed_html.count('<th scope="col" class="govuk-table__header">Due</th>') == 1
    assert listed_html.count("data-person-marker>Self-harm risk</strong>") == 2
    assert "data-due><strong>Overdue by 5 days</strong></td>" in listed_html


def test_list_in_other_orders_keeps_the_risk_beside_the_name_and_no_due_column(
    practitioner_client, queue
):
    html = practitioner_client.get(LIST, {"queue": "unassigned"}).content.decode()

    assert '<option value="-received" selected>' not in html  # no sort chosen: the default
    assert '<th scope="col" class="govuk-table__header">Due</th>' not in html
    assert "data-due>" not in html
    assert html.count("data-person-marker>Self-harm risk</strong>") == 2
    assert re.findall(r">(R\d{6})</a>", html) == [
        row.reference
        for row in sorted(queue.values(), key=lambda r: (r.received_at, r.pk), reverse=True)
    ]


def test_most_urgent_first_pages_reach_every_row_in_order(practitioner, queue):
    pages, after = [], None
    while True:
        page = selectors.referral_list(
            user=practitioner,
            filters={"queue": "unassigned"},
            sort="urgent",
            after=after,
            page_size=4,
        )
        pages.append(_references(page.rows))
        if not (after := page.next_cursor):
            break

    assert pages == [
        [queue[key].reference for key in EXPECTED[:4]],
        [queue[key].reference for key in EXPECTED[4:8]],
        [queue[key].reference for key in EXPECTED[8:]],
    ]


def test_most_urgent_first_list_query_count_is_the_same_for_1_and_3_rows(
    practitioner_client, practitioner, team, site, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    params = {"queue": "unassigned", "sort": "urgent"}
    now = timezone.now()
    flagged = PersonFactory(team=team)
    _at_risk(flagged, practitioner)
    _refer(flagged, site, received_at=now - H)
    practitioner_client.get(LIST, params)
    with CaptureQueriesContext(connection) as one:
        practitioner_client.get(LIST, params)
    _refer(PersonFactory(team=team), site, received_at=now - 2 * H, urgency=Urgency.URGENT)
    _refer(flagged, site, received_at=now - 3 * D, source=ReferralSource.CROWN_COURT)

    with django_assert_num_queries(len(one)):
        response = practitioner_client.get(LIST, params)

    assert len(response.context["rows"]) == 3


def test_the_urgency_screening_decided_replaces_the_one_given_at_referral(
    practitioner_client, team, site, practitioner
):
    from tests.assessments.factories import ScreeningFactory

    now = timezone.now()
    people = [PersonFactory(team=team) for _ in range(2)]
    raised = _refer(people[0], site, received_at=now - 3 * H, status=ReferralStatus.SCREENED)
    ScreeningFactory(referral=raised, urgency=Urgency.EMERGENCY)
    lowered = _refer(
        people[0],
        site,
        received_at=now - 2 * H,
        urgency=Urgency.EMERGENCY,
        status=ReferralStatus.SCREENED,
    )
    ScreeningFactory(referral=lowered, urgency=Urgency.ROUTINE)
    urgent = _refer(people[1], site, received_at=now - H, urgency=Urgency.URGENT)
    routine = _refer(people[1], site, received_at=now - 4 * H + datetime.timedelta(minutes=1))

    html = practitioner_client.get(MY_WORK).content.decode()
    listed = practitioner_client.get(LIST, {"queue": "unassigned", "sort": "urgent"})

    order = [raised.reference, urgent.reference, routine.reference, lowered.reference]
    assert _page_references(html, "unassigned") == order
    assert _references(listed.context["rows"]) == order
    urgencies = re.findall(
        r'<td class="govuk-table__cell">(Emergency|Urgent|Routine)</td>',
        html[html.index('<section id="unassigned">') :].split("</section>")[0],
    )
    assert urgencies == ["Emergency", "Urgent", "Routine", "Routine"]
