"""The week page's due lists (this week and next) and My work's New to me page in a browser:
each count on the week page opens a list of that many rows with a heading naming its window;
My work's "See all N new to you" opens every new referral page by page. axe-core at 1280 and
390 px; screenshots in test-artifacts/screenshots/due-* (look at them)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from referrals import services as referral_services
from referrals.models import Referral
from referrals.selectors import lists as referral_selectors
from tests.factories import PersonFactory, ReferralFactory, TeamFactory, UserFactory
from tests.treatment_requirements.factories import (
    AppointmentFactory,
    FailureFactory,
    OrderFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
)
from treatment_requirements.caseload_week import week_start
from treatment_requirements.models import ReviewHearing

from . import screenshots
from .axe import assert_no_serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _shots(page, name):
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert_no_serious_violations(page, f"{name} at {width} px")
        screenshots.save(page, f"due-{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def _references(page) -> list[str]:
    return re.findall(r"\bCO\d{6}\b", page.locator("main").inner_text())


def _seed_week(officer):
    """Two of each measure this week and one next week, on the officer's orders."""
    today = timezone.localdate()
    monday = week_start(today)
    this_week = [monday, monday + datetime.timedelta(days=6)]
    next_week = [monday + datetime.timedelta(days=8)]
    for day in this_week + next_week:
        order = OrderFactory(responsible_officer=officer)
        FailureFactory(order=order, deadline=day, failure_date=day - datetime.timedelta(days=14))
        drr = OrderRequirementFactory(order=order, kind="drr")
        ReviewHearing.objects.create(
            order=order, requirement=drr, review_date=max(day, today), scheduled_by=officer
        )
        OrderFactory(
            responsible_officer=officer, made_on=day.replace(year=day.year - 1), end_date=day
        )
        late = OrderFactory(responsible_officer=officer)
        Referral.objects.filter(pk=late.referral_id).update(reoffending_check_due_on=day)
    # Two appointments started this week (between Monday 00:00 and now), no outcome yet.
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))
    for part in (3, 2):
        AppointmentFactory(
            order=OrderFactory(responsible_officer=officer),
            starts_at=start + (timezone.now() - start) / part,
        )


def test_due_lists_this_week_and_next_open_the_rows_counted(signed_in_page, live_server):
    team = ProbationTeamFactory(name="North PDU")
    officer = ProbationOfficerFactory(team=team, first_name="Olu", username="olu")
    _seed_week(officer)
    page = signed_in_page(officer)

    for week in ("this", "next"):
        page.goto(f"{live_server.url}{reverse('treatment_requirements:caseload_week')}?week={week}")
        _shots(page, f"week-{week}")
        names = page.locator("[data-due-list]").evaluate_all(
            "links => links.map(a => a.dataset.dueList)"
        )
        assert names == (
            ["outcomes", "enforcement", "reviews", "measures", "reoffending"]
            if week == "this"
            else ["enforcement", "reviews", "measures", "reoffending"]
        )
        for name in names:
            count = int(page.locator(f"[data-due={name}]").inner_text())
            page.locator(f"[data-due-list={name}]").click()
            assert len(_references(page)) == count, (week, name)
            _shots(page, f"due-{week}-{name}")
            page.go_back()


def test_new_to_me_page_from_my_work(signed_in_page, live_server, monkeypatch):
    monkeypatch.setattr(referral_selectors, "NEW_TO_ME_LIMIT", 3)
    team = TeamFactory(name="Cambridgeshire & Peterborough L&D")
    lead = UserFactory(role=Role.TEAM_LEAD, team=team, first_name="Lee")
    practitioner = UserFactory(role=Role.PRACTITIONER, team=team, first_name="Pat")
    page = signed_in_page(practitioner)  # signing in may open My work: a look
    referral_services.my_work_look_record(
        user=practitioner, looked_at=timezone.now() - datetime.timedelta(hours=3)
    )
    for _ in range(7):
        referral = ReferralFactory(person=PersonFactory(team=team))
        referral_services.referral_assign(referral=referral, assignee=practitioner, by=lead)

    page.goto(live_server.url + reverse("referrals:my_work"))
    page.get_by_role("link", name="See all 7 new to you").click()
    seen = []
    for n in range(3):
        seen += page.locator("tr[data-referral]").evaluate_all(
            "rows => rows.map(r => r.dataset.referral)"
        )
        _shots(page, f"new-to-me-page-{n + 1}")
        if not page.locator("a[rel=next]").count():
            break
        page.locator("a[rel=next]").click()
    assert len(seen) == len(set(seen)) == 7
