"""Browser journey (issue 14, risk register): a practitioner raises a risk-to-staff flag
(first without the ROSH level a ROSH flag needs, then a risk to staff with a review date),
sees it on the register; a probation officer sees the flag, without the note, when booking
an appointment. axe-clean; screenshots at 1280 and 390 px in test-artifacts/screenshots/risks-*."""

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from accounts.enums import Role
from risks import rules
from tests.e2e.axe import assert_no_serious_violations
from tests.factories import PersonFactory, ReferralFactory, UserFactory
from tests.treatment_requirements.factories import (
    OrderFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
    ProviderTeamFactory,
    ready_recommendation,
)

from ..assessments.factories import signed_assessment
from . import screenshots

pytestmark = [pytest.mark.e2e]
NOTE = "Threatened the custody nurse with a pen. See with a colleague, near the exit."


def _shots(page, name):
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshots.save(page, f"risks-{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_practitioner_raises_a_flag_and_probation_sees_it_when_booking(
    signed_in_page, live_server, browser, e2e_db, site
):
    practitioner = UserFactory(role=Role.PRACTITIONER, team=site.team, username="riskj_p")
    officer = ProbationOfficerFactory(team=ProbationTeamFactory(), username="riskj_po")
    person = PersonFactory(team=site.team, given_name="Morwenna", family_name="Tregarthen")
    ReferralFactory(person=person, site=site)
    assessment = signed_assessment(referral=ReferralFactory(person=person, site=site))
    order = OrderFactory(
        court_outcome__recommendation=ready_recommendation(assessment=assessment),
        responsible_officer=officer,
        probation_team=officer.team,
    )
    OrderRequirementFactory(order=order, kind="mhtr_primary", provider=ProviderTeamFactory())

    page = signed_in_page(practitioner)
    page.goto(live_server.url + reverse("referrals:person_detail", args=[person.pk]))
    page.get_by_role("link", name="Risk register").click()
    page.get_by_role("link", name="Raise a risk flag").click()
    page.get_by_label("Risk of serious harm (ROSH)").check()
    page.get_by_role("button", name="Raise").click()
    assert page.get_by_text("Select the ROSH level").first.is_visible()
    assert_no_serious_violations(page, "raise form with an error")
    _shots(page, "raise-error")

    page.get_by_label("Risk to staff").check()
    review = rules.today().replace(day=1) + relativedelta(months=2)
    page.fill("input[name=next_review_on]", f"{review.day}/{review.month}/{review.year}")
    page.fill("textarea[name=note]", NOTE)
    page.get_by_role("button", name="Raise").click()
    assert "/risk-register/" in page.url
    page.get_by_text("History (1)").click()
    assert page.get_by_text(NOTE).first.is_visible()
    assert page.get_by_text(f"Review due {review:%-d %B %Y}").is_visible()
    assert_no_serious_violations(page, "risk register")
    _shots(page, "register-practitioner")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    officer_page = context.new_page()
    officer_page.goto(live_server.url + reverse("accounts:login"))
    officer_page.fill("input[name=username]", officer.username)
    officer_page.fill("input[name=password]", "correct horse battery staple")
    officer_page.get_by_role("button", name="Sign in").click()
    officer_page.goto(
        live_server.url + reverse("treatment_requirements:appointment_new", args=[order.pk])
    )
    banner = officer_page.locator("[data-person-risk-banner]")
    assert "Risk: Risk to staff, raised on" in banner.inner_text()
    assert NOTE not in officer_page.content()
    assert_no_serious_violations(officer_page, "booking screen with the flag")
    _shots(officer_page, "booking-probation")
    officer_page.goto(live_server.url + reverse("risks:register", args=[person.pk]))
    assert NOTE not in officer_page.content()
    _shots(officer_page, "register-probation")
    context.close()
