"""The self-harm flag follows the person: raised by a PHQ-9 draft as soon as item 9 is
answered above 0 (as a "self-harm or suicide" entry on the person's risk register, the one
source of the banner and markers since issue 14), shown as a banner on every page about the person (whichever referral or
order the page is about) to every role that may see them, and as a tag on their row in My
work, the referral list, search results and the caseload, without extra queries.

Raising and clearing it from the PHQ-9 screens: test_self_harm_flag_from_phq9."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from assessments import services
from tests.factories import PersonFactory, ReferralFactory, TeamFactory, UserFactory
from tests.treatment_requirements.factories import (
    AppointmentFactory,
    FailureFactory,
    FormalWarningFactory,
    OrderRequirementFactory,
)
from treatment_requirements.models import ReviewHearing

from .factories import AssessmentFactory, ConsentFactory
from .helpers import MARKER, banner, order_for, page_html, row_holding

pytestmark = pytest.mark.django_db


# The banner on every page about the person -------------------------------------------


def test_banner_on_every_l_and_d_page_about_the_person(practitioner_client, world):
    at_risk, referrals, assessments = world["at_risk"], world["referrals"], world["assessments"]
    order = world["orders"]["at_risk"]
    urls = [
        reverse("referrals:person_detail", args=[at_risk.pk]),
        referrals["a"].get_absolute_url(),
        referrals["b"].get_absolute_url(),  # recorded on A, shown on B
        assessments["a"].get_absolute_url(),
        assessments["b"].get_absolute_url(),
        reverse("assessments:instrument", args=[assessments["b"].pk, "gad-7"]),
        reverse("assessments:consent_record", args=[referrals["b"].pk]),
        order.recommendation.get_absolute_url(),
        order.get_absolute_url(),
    ]

    for url in urls:
        assert page_html(practitioner_client, url).count(banner()) == 1, url


def test_no_banner_on_pages_about_a_person_without_the_flag(practitioner_client, world):
    safe, referral_c = world["safe"], world["referrals"]["c"]
    urls = [
        reverse("referrals:person_detail", args=[safe.pk]),
        referral_c.get_absolute_url(),
        world["assessments"]["c"].get_absolute_url(),
        world["orders"]["safe"].get_absolute_url(),
    ]

    for url in urls:
        html = page_html(practitioner_client, url)
        assert "Risk: Self-harm or suicide" not in html, url
        assert "data-person-risk" not in html, url


def test_banner_on_probation_order_pages_without_consent_to_share(client, world, officer):
    """Policy: a risk to life is shown to everyone who may see the person, consent or not."""
    order = world["orders"]["at_risk"]
    assert not order.referral.consents.filter(kind="to_share", given=True).exists()
    appointment = AppointmentFactory(order=order)
    failure = FailureFactory(order=order)
    warning = FormalWarningFactory(failure__order=order)
    client.force_login(officer)
    urls = [
        order.get_absolute_url(),
        reverse("treatment_requirements:appointment_outcome", args=[order.pk, appointment.pk]),
        reverse("treatment_requirements:failure_action", args=[order.pk, failure.pk]),
        reverse("treatment_requirements:warning_letter", args=[order.pk, warning.pk]),
        reverse("treatment_requirements:appointment_new", args=[order.pk]),
        reverse("referrals:person_detail", args=[world["at_risk"].pk]),
    ]

    for url in urls:
        assert page_html(client, url).count(banner()) == 1, url
    assert banner() not in page_html(client, world["orders"]["safe"].get_absolute_url())


def test_banner_on_every_order_form_page_for_probation(client, world, officer):
    """The one-form pages of an order (core.view_helpers `form_page`) all carry the banner,
    and the safe person's do not."""
    pages = {}
    for key in ("at_risk", "safe"):
        order = world["orders"][key]
        drr = OrderRequirementFactory(
            order=order, kind="drr", provider=order.requirements.first().provider
        )
        review = ReviewHearing.objects.create(
            order=order,
            requirement=drr,
            review_date=timezone.localdate() - datetime.timedelta(days=1),
            scheduled_by=officer,
        )
        failure = FailureFactory(order=order)
        pages[key] = [
            reverse("treatment_requirements:review_held", args=[order.pk, review.pk]),
            reverse("treatment_requirements:review_report", args=[order.pk, review.pk]),
            reverse("treatment_requirements:review_new", args=[order.pk]),
            reverse("treatment_requirements:drug_test_new", args=[order.pk]),
            reverse("treatment_requirements:order_terminate", args=[order.pk]),
            reverse("treatment_requirements:failure_action", args=[order.pk, failure.pk]),
            reverse("treatment_requirements:reoffending_new", args=[order.referral_id]),
        ]
    client.force_login(officer)

    for url in pages["at_risk"]:
        assert page_html(client, url).count(banner()) == 1, url
    for url in pages["safe"]:
        assert banner() not in page_html(client, url), url


def test_banner_on_the_consented_summary_for_probation(client, world, officer):
    order = world["orders"]["at_risk"]
    ConsentFactory(referral=order.referral, share_with_probation=True)
    client.force_login(officer)

    html = page_html(
        client, reverse("assessments:summary", args=[order.recommendation.assessment_id])
    )

    assert html.count(banner()) == 1


def test_banner_on_provider_clinician_orderpage_html(client, world, clinician):
    client.force_login(clinician)

    assert page_html(client, world["orders"]["at_risk"].get_absolute_url()).count(banner()) == 1
    assert banner() not in page_html(client, world["orders"]["safe"].get_absolute_url())


def test_outsider_gets_no_banner_and_nopage_html(outsider_client, world):
    for url in (
        reverse("referrals:person_detail", args=[world["at_risk"].pk]),
        world["referrals"]["a"].get_absolute_url(),
        world["referrals"]["b"].get_absolute_url(),
        world["orders"]["at_risk"].get_absolute_url(),
    ):
        response = outsider_client.get(url)
        assert response.status_code == 404, url
        assert "Risk: Self-harm or suicide" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMINISTRATOR])
def test_roles_that_may_not_see_people_are_refused_and_see_no_banner(client, world, role):
    kind = "commissioner" if role == Role.COMMISSIONER else "administration"
    client.force_login(UserFactory(role=role, team=TeamFactory(kind=kind)))

    for url in (
        reverse("referrals:person_detail", args=[world["at_risk"].pk]),
        world["referrals"]["a"].get_absolute_url(),
        world["orders"]["at_risk"].get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Risk: Self-harm or suicide" not in response.content.decode()


def test_banner_shows_the_date_the_answer_was_first_recorded(
    practitioner_client, practitioner, site, time_machine
):
    person = PersonFactory(team=practitioner.team)
    assessment = AssessmentFactory(referral=ReferralFactory(person=person, site=site))
    time_machine.move_to(datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC), tick=False)
    services.instrument_save(
        code="PHQ-9", answers=[None] * 8 + [1], assessment=assessment, by=practitioner
    )
    time_machine.move_to(datetime.datetime(2026, 3, 9, 9, 0, tzinfo=datetime.UTC), tick=False)
    services.instrument_save(
        code="PHQ-9", answers=[1] * 8 + [1], assessment=assessment, by=practitioner
    )

    html = page_html(practitioner_client, reverse("referrals:person_detail", args=[person.pk]))

    assert banner(datetime.date(2026, 3, 1)) in html


def test_banner_goes_when_the_draft_answer_is_corrected_to_zero(
    practitioner_client, practitioner, world
):
    assessment = world["assessments"]["a"]
    services.instrument_save(
        code="PHQ-9", answers=[None] * 8 + [0], assessment=assessment, by=practitioner
    )

    html = page_html(practitioner_client, world["referrals"]["b"].get_absolute_url())

    assert "Risk: Self-harm or suicide" not in html


def test_banner_stays_from_a_standalone_outcome_measure(practitioner_client, practitioner, world):
    services.instrument_save(
        code="PHQ-9",
        answers=[None] * 8 + [0],
        assessment=world["assessments"]["a"],
        by=practitioner,
    )
    services.instrument_save(
        code="PHQ-9", answers=[0] * 8 + [3], person=world["at_risk"], by=practitioner
    )

    html = page_html(practitioner_client, world["referrals"]["b"].get_absolute_url())

    assert html.count(banner()) == 1


# The marker on the person's rows --------------------------------------------------------


def test_referral_list_marks_every_row_of_the_person_at_risk(practitioner_client, world):
    a, b, c = (world["referrals"][key].reference for key in "abc")

    html = page_html(practitioner_client, reverse("referrals:referral_list"))

    assert MARKER in row_holding(html, f">{a}<")
    assert MARKER in row_holding(html, f">{b}<")
    assert MARKER not in row_holding(html, f">{c}<")
    assert html.count(MARKER) == 3  # A, B and the referral behind the person's order


def test_search_results_mark_the_person_at_risk(practitioner_client, world):
    a, b, c = (world["referrals"][key].reference for key in "abc")
    url = reverse("referrals:referral_list")
    response = practitioner_client.post(url, {"q": "Risk"}, follow=True)
    html = response.content.decode()

    assert f">{a}<" in html and f">{c}<" not in html
    assert MARKER in row_holding(html, f">{a}<")
    assert MARKER in row_holding(html, f">{b}<")

    html = practitioner_client.post(url, {"q": "Safe"}, follow=True).content.decode()
    assert f">{c}<" in html and MARKER not in html


def test_my_work_marks_the_person_at_risk(practitioner_client, practitioner, world):
    for referral in world["referrals"].values():
        referral.assigned_to = practitioner
        referral.save()

    a, b, c = (world["referrals"][key].reference for key in "abc")

    html = page_html(practitioner_client, reverse("referrals:my_work"))

    assigned = html[html.index('id="assigned"') : html.index('id="unassigned"')]
    assert MARKER in row_holding(assigned, f">{a}<")
    assert MARKER in row_holding(assigned, f">{b}<")
    assert MARKER not in row_holding(assigned, f">{c}<")


def test_caseload_marks_the_person_at_risk(client, world, officer):
    at_risk_order, safe_order = world["orders"]["at_risk"], world["orders"]["safe"]
    for order in (at_risk_order, safe_order):
        AppointmentFactory(order=order, purpose=f"Session for {order.person.family_name}")
        FailureFactory(order=order)
    client.force_login(officer)

    html = page_html(client, reverse("treatment_requirements:caseload"))

    at_risk_name, safe_name = at_risk_order.person.full_name, safe_order.person.full_name
    assert html.count(f"{at_risk_name}</a> {MARKER}") == 1  # active orders
    # outcome due, non-compliance (each row then names the order)
    assert html.count(f"{at_risk_name} {MARKER}<br>") == 2
    assert f"{safe_name}</a> {MARKER}" not in html
    assert f"{safe_name} {MARKER}" not in html
    assert html.count(MARKER) == 3


def test_caseload_marker_needs_no_consent(client, world, officer):
    order = world["orders"]["at_risk"]
    assert not order.referral.consents.filter(kind="to_share", given=True).exists()
    client.force_login(officer)

    html = page_html(client, reverse("treatment_requirements:caseload"))

    assert f"{order.person.full_name}</a> {MARKER}" in html


# Query counts do not grow with flagged rows ----------------------------------------------


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _flagged_referral(practitioner, site):
    person = PersonFactory(team=practitioner.team)
    referral = ReferralFactory(person=person, site=site, assigned_to=practitioner)
    services.instrument_save(code="PHQ-9", answers=[0] * 8 + [1], person=person, by=practitioner)
    return referral


@pytest.mark.parametrize("url_name", ["referrals:referral_list", "referrals:my_work"])
def test_list_queries_are_the_same_for_1_and_3_flagged_rows(
    practitioner_client, practitioner, site, url_name
):
    url = reverse(url_name)
    _flagged_referral(practitioner, site)
    practitioner_client.get(url)
    one, html = _queries(practitioner_client, url)
    assert html.count(MARKER) == 1
    _flagged_referral(practitioner, site)
    _flagged_referral(practitioner, site)

    three, html = _queries(practitioner_client, url)

    assert html.count(MARKER) == 3
    assert three == one


def test_caseload_queries_are_the_same_for_1_and_3_flagged_people(
    client, practitioner, site, officer, provider_team
):
    def flagged_order():
        person = PersonFactory(team=practitioner.team)
        services.instrument_save(
            code="PHQ-9", answers=[None] * 8 + [2], person=person, by=practitioner
        )
        return order_for(person, officer=officer, provider_team=provider_team, site=site)

    flagged_order()
    client.force_login(officer)
    client.get(reverse("treatment_requirements:caseload"))
    one, html = _queries(client, reverse("treatment_requirements:caseload"))
    assert html.count(MARKER) == 1
    flagged_order()
    flagged_order()

    three, html = _queries(client, reverse("treatment_requirements:caseload"))

    assert html.count(MARKER) == 3
    assert three == one


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (Role.PRACTITIONER, True),
        (Role.TEAM_LEAD, True),
        (Role.PROBATION_OFFICER, True),
        (Role.PROVIDER_CLINICIAN, True),
        (Role.COMMISSIONER, False),
        (Role.ADMINISTRATOR, False),
    ],
)
def test_person_risk_alert_is_for_every_role_that_may_see_people(
    rf, world, role, shown, officer, clinician
):
    """Since issue 14 the banner reads the risk register through the access policy: each
    role sees it on people it may see (its own team's, caseload or provided orders), and a
    user of the same role in another team does not."""
    from risks.selectors import person_risk_alert

    team_of = {
        Role.PRACTITIONER: world["at_risk"].team,
        Role.TEAM_LEAD: world["at_risk"].team,
        Role.PROBATION_OFFICER: officer.team,
        Role.PROVIDER_CLINICIAN: clinician.team,
    }
    request = rf.get("/")
    request.user = UserFactory(role=role, team=team_of.get(role) or TeamFactory())

    alert = person_risk_alert(request, world["at_risk"])

    assert (alert is not None) == shown
    assert person_risk_alert(request, world["safe"]) is None
    request.user = UserFactory(role=role, team=TeamFactory())
    assert person_risk_alert(request, world["at_risk"]) is None


def test_banner_is_not_printed_on_the_warning_letter(client, world, officer):
    order = world["orders"]["at_risk"]
    warning = FormalWarningFactory(failure__order=order, letter_text="Formal warning.")
    client.force_login(officer)

    html = page_html(
        client, reverse("treatment_requirements:warning_letter", args=[order.pk, warning.pk])
    )

    main = html.index('id="main-content">') + len('id="main-content">')
    banner_start = html.index(
        '<div class="app-self-harm-banner app-person-risk-banner app-no-print"'
    )
    assert html[main:banner_start].strip() == ""  # first in the page, nothing stray before it
    assert html.count(banner()) == 1
