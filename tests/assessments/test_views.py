import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from assessments import services
from assessments.enums import ConsentKind
from assessments.models import Assessment, Consent, Disclosure, FormDraft, InstrumentResponse
from referrals.models import Vulnerability

from .conftest import errors_of
from .factories import (
    AssessmentFactory,
    ConsentFactory,
    InstrumentResponseFactory,
    OnwardReferralFactory,
    ScreeningFactory,
    complete_assessment,
    signed_assessment,
)

pytestmark = pytest.mark.django_db


def _date(name, day):
    """A date as people type it into the one box."""
    return {name: f"{day.day}/{day.month}/{day.year}"}


def _team_assessment(practitioner, **kwargs):
    return AssessmentFactory(
        referral__person__team=practitioner.team,
        referral__person__created_by=practitioner,
        **kwargs,
    )


# Screening ---------------------------------------------------------------------------


def test_screening_form_records_and_returns_to_referral(practitioner_client, referral):
    vulnerability = Vulnerability.objects.get(code="mental-health")
    data = {
        **_date("screened_on", timezone.localdate()),
        "vulnerabilities": [vulnerability.pk],
        "risk_level": "high",
        "urgency": "urgent",
        "decision": "full_assessment",
    }

    response = practitioner_client.post(reverse("assessments:screening", args=[referral.pk]), data)

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "screened"
    assert list(referral.screening.vulnerabilities.all()) == [vulnerability]


def test_screening_in_the_future_gets_message_next_to_field(practitioner_client, referral):
    data = {
        **_date("screened_on", timezone.localdate() + datetime.timedelta(days=3)),
        "risk_level": "high",
        "urgency": "urgent",
        "decision": "full_assessment",
    }

    response = practitioner_client.post(reverse("assessments:screening", args=[referral.pk]), data)

    assert response.status_code == 400
    assert "Date screened must be today or in the past" in errors_of(response)
    referral.refresh_from_db()
    assert referral.status == "received"


def test_screening_of_another_team_is_not_found(outsider_client, referral):
    response = outsider_client.get(reverse("assessments:screening", args=[referral.pk]))

    assert response.status_code == 404
    assert referral.person.family_name not in response.content.decode()


# The referral page panel -------------------------------------------------------------


def test_referral_page_shows_start_button_after_screening(practitioner_client, screened_referral):
    response = practitioner_client.get(screened_referral.get_absolute_url())

    assert "Start the full assessment" in response.content.decode()


def test_referral_page_shows_self_harm_banner_first(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)
    # Through the service, which puts the answer on the risk register (the banner's source).
    services.instrument_save(
        code="PHQ-9", answers=[0] * 8 + [2], assessment=assessment, by=practitioner
    )

    page = practitioner_client.get(assessment.referral.get_absolute_url()).content.decode()

    banner = (
        f"Risk: Self-harm or suicide, raised on {timezone.localdate():%-d %B %Y} (PHQ-9 item 9)"
    )
    assert page.count(banner) == 1
    # Above the page heading, not below the referral's details with the assessment panel.
    assert page.index(banner) < page.index('<h1 class="govuk-heading-l">Referral')


def test_start_assessment_then_task_list(practitioner_client, screened_referral):
    response = practitioner_client.post(
        reverse("assessments:assessment_start", args=[screened_referral.pk])
    )

    assessment = Assessment.objects.get(referral=screened_referral)
    assert response.url == assessment.get_absolute_url()
    page = practitioner_client.get(response.url).content.decode()
    assert "You have completed 0 of 9 sections" in page
    assert "Presenting needs" in page
    assert "Patient Health Questionnaire (PHQ-9)" in page


# Steps, drafts and autosave ----------------------------------------------------------


def test_section_save_moves_to_next_step(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)
    url = reverse("assessments:section", args=[assessment.pk, "physical_health"])

    response = practitioner_client.post(
        url, {"physical_health": "Asthma", "version": assessment.version}
    )

    assert response.url == reverse(
        "assessments:section", args=[assessment.pk, "trauma_safeguarding"]
    )
    assessment.refresh_from_db()
    assert assessment.physical_health == "Asthma"


def test_section_stale_version_is_refused_with_message(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner, physical_health="Asthma", version=3)
    url = reverse("assessments:section", args=[assessment.pk, "physical_health"])

    response = practitioner_client.post(url, {"physical_health": "Diabetes", "version": 2})

    assert response.status_code == 409
    assert "Someone else saved this record" in errors_of(response)
    assessment.refresh_from_db()
    assert assessment.physical_health == "Asthma"


def test_draft_survives_sign_out_and_is_restored(client, practitioner):
    assessment = _team_assessment(practitioner)
    client.force_login(practitioner)
    autosave = reverse(
        "assessments:autosave", args=[assessment.referral_id, "section-physical_health"]
    )
    saved = client.post(autosave, {"physical_health": "Type 2 diabetes, insulin at 8pm"})
    assert saved.status_code == 200

    client.post(reverse("accounts:logout"))
    client.force_login(practitioner)
    page = client.get(reverse("assessments:section", args=[assessment.pk, "physical_health"]))

    html = page.content.decode()
    assert "Draft restored" in html
    assert "Type 2 diabetes, insulin at 8pm" in html
    assessment.refresh_from_db()
    assert assessment.physical_health == ""


def test_draft_survives_session_expiry(client, practitioner):
    assessment = _team_assessment(practitioner)
    client.force_login(practitioner)
    step = "section-physical_health"
    client.post(
        reverse("assessments:autosave", args=[assessment.referral_id, step]),
        {"physical_health": "Epilepsy"},
    )

    client.session.flush()
    client.cookies.clear()
    expired = client.get(reverse("assessments:section", args=[assessment.pk, "physical_health"]))
    assert expired.status_code == 302
    client.force_login(practitioner)
    page = client.get(reverse("assessments:section", args=[assessment.pk, "physical_health"]))

    assert "Epilepsy" in page.content.decode()


def test_saving_a_step_discards_its_draft(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)
    practitioner_client.post(
        reverse("assessments:autosave", args=[assessment.referral_id, "section-physical_health"]),
        {"physical_health": "Asthma"},
    )

    practitioner_client.post(
        reverse("assessments:section", args=[assessment.pk, "physical_health"]),
        {"physical_health": "Asthma", "version": assessment.version},
    )

    assert not FormDraft.objects.exists()


def test_autosave_of_another_teams_referral_is_not_found(outsider_client, practitioner):
    assessment = _team_assessment(practitioner)

    response = outsider_client.post(
        reverse("assessments:autosave", args=[assessment.referral_id, "section-physical_health"]),
        {"physical_health": "x"},
    )

    assert response.status_code == 404
    assert not FormDraft.objects.exists()


def test_autosave_unknown_step_is_refused(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)

    response = practitioner_client.post(
        reverse("assessments:autosave", args=[assessment.referral_id, "anything"]), {"a": "b"}
    )

    assert response.status_code == 404


# Instruments -------------------------------------------------------------------------


def test_instrument_page_shows_published_wording_and_source(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)

    html = practitioner_client.get(
        reverse("assessments:instrument", args=[assessment.pk, "phq-9"])
    ).content.decode()

    assert "Over the last 2 weeks, how often have you been bothered" in html
    assert "Thoughts that you would be better off dead or of hurting yourself in some way" in html
    assert "More than half the days" in html
    assert "Kroenke K, Spitzer RL, Williams JBW" in html
    assert "assessment-instruments.js" in html


def test_instrument_partly_answered_is_saved_as_draft(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)

    response = practitioner_client.post(
        reverse("assessments:instrument", args=[assessment.pk, "phq-9"]),
        {"item_1": "2", "item_2": "3"},
        follow=True,
    )

    saved = InstrumentResponse.objects.get(assessment=assessment)
    assert (saved.is_complete, saved.total) == (False, None)
    assert "not scored until every item is answered" in response.content.decode()


def test_instrument_answer_out_of_range_is_refused(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)

    response = practitioner_client.post(
        reverse("assessments:instrument", args=[assessment.pk, "audit"]),
        {"item_9": "3"},
    )

    assert response.status_code == 400
    assert "Select an answer to question 9" in errors_of(response)
    assert not InstrumentResponse.objects.exists()


def test_instrument_complete_is_scored(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)
    data = {f"item_{n}": "1" for n in range(1, 10)}

    practitioner_client.post(reverse("assessments:instrument", args=[assessment.pk, "phq-9"]), data)

    saved = InstrumentResponse.objects.get(assessment=assessment)
    assert (saved.total, saved.band, saved.flags) == (9, "mild", ["self_harm"])
    page = practitioner_client.get(assessment.get_absolute_url()).content.decode()
    assert (
        f"Risk: Self-harm or suicide, raised on {timezone.localdate():%-d %B %Y} (PHQ-9 item 9)"
        in page
    )


# Sign-off, immutability and addenda --------------------------------------------------


def test_signing_incomplete_lists_what_is_missing(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)

    response = practitioner_client.post(
        reverse("assessments:sign", args=[assessment.pk]), {"version": assessment.version}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Presenting needs: enter the presenting needs" in html
    assert "Consent: record that the person consents to be assessed" in html
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_signing_complete_assessment(practitioner_client, practitioner):
    assessment = complete_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )

    response = practitioner_client.post(
        reverse("assessments:sign", args=[assessment.pk]), {"version": assessment.version}
    )

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "signed"
    assert assessment.referral.status == "assessed"


def test_editing_signed_assessment_is_refused_and_nothing_changes(
    practitioner_client, practitioner
):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )

    response = practitioner_client.post(
        reverse("assessments:section", args=[assessment.pk, "formulation"]),
        {"formulation": "Rewritten", "care_threshold": "secondary", "version": assessment.version},
    )
    instrument = practitioner_client.post(
        reverse("assessments:instrument", args=[assessment.pk, "gad-7"]),
        {f"item_{n}": "0" for n in range(1, 8)},
    )

    assert response.status_code == 409
    assert instrument.status_code == 409
    assert "This assessment was signed and cannot be changed" in errors_of(response)
    assessment.refresh_from_db()
    assert assessment.formulation == "Depression maintained by housing loss and alcohol use."
    assert assessment.care_threshold == "primary"
    assert not InstrumentResponse.objects.filter(assessment=assessment).exists()


def test_addendum_is_shown_beside_the_original(practitioner_client, practitioner):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )

    practitioner_client.post(
        reverse("assessments:addendum", args=[assessment.pk]),
        {"section": "physical_health", "reason": "GP letter received", "text": "Also COPD."},
    )

    html = practitioner_client.get(assessment.get_absolute_url()).content.decode()
    original_at = html.index("Asthma, uses inhaler.")
    addendum_at = html.index("Also COPD.")
    assert original_at < addendum_at < html.index("Trauma and safeguarding")
    assert "Reason: GP letter received" in html


def test_addendum_without_reason_is_refused(practitioner_client, practitioner):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )

    response = practitioner_client.post(
        reverse("assessments:addendum", args=[assessment.pk]), {"text": "Also COPD."}
    )

    assert response.status_code == 400
    assert "Enter the reason for the addendum" in errors_of(response)
    assert not assessment.addenda.exists()


# Consent and the printable summary ---------------------------------------------------


def test_summary_without_consent_says_nothing_can_be_shared(practitioner_client, practitioner):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )

    html = practitioner_client.get(
        reverse("assessments:summary", args=[assessment.pk])
    ).content.decode()

    assert "Nothing from this assessment can be shared with court" in html
    assert "Depression maintained by housing loss" not in html
    assert not Disclosure.objects.exists()


def test_summary_with_consent_shows_assessment_and_records_disclosure(
    practitioner_client, practitioner
):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    ConsentFactory(referral=assessment.referral, share_with_court=True)

    html = practitioner_client.get(
        reverse("assessments:summary", args=[assessment.pk]) + "?for=court"
    ).content.decode()

    assert "Depression maintained by housing loss" in html
    assert "Reports childhood trauma" not in html
    assert Disclosure.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_summary_for_agency_outside_consent_is_withheld(practitioner_client, practitioner):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    ConsentFactory(referral=assessment.referral, share_with_court=True)

    html = practitioner_client.get(
        reverse("assessments:summary", args=[assessment.pk]) + "?for=police"
    ).content.decode()

    assert "does not include police" in html
    assert "Depression maintained" not in html


def test_withdrawing_consent_after_sharing_warns_and_stops_sharing(
    practitioner_client, practitioner
):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    consent = ConsentFactory(referral=assessment.referral, share_with_court=True)
    summary = reverse("assessments:summary", args=[assessment.pk])
    practitioner_client.get(summary)

    response = practitioner_client.post(
        reverse("assessments:consent_withdraw", args=[consent.pk]),
        {**_date("withdrawn_on", timezone.localdate()), "reason": "Changed their mind"},
        follow=True,
    )

    html = response.content.decode()
    assert "had already been shared 1 time" in html
    assert "tell Court that consent has been withdrawn" in html
    after = practitioner_client.get(summary).content.decode()
    assert "withdrew their consent to share" in after
    assert Disclosure.objects.count() == 1


def test_consent_form_records_share_consent(practitioner_client, referral):
    response = practitioner_client.post(
        reverse("assessments:consent_record", args=[referral.pk]),
        {
            "kind": ConsentKind.TO_SHARE,
            "given": "yes",
            "agencies": ["court", "probation"],
            **_date("given_on", timezone.localdate()),
        },
    )

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.agencies() == ["court", "probation"]
    assert consent.recorded_by.username == "practitioner"


def test_consent_dated_in_future_is_refused(practitioner_client, referral):
    response = practitioner_client.post(
        reverse("assessments:consent_record", args=[referral.pk]),
        {
            "kind": ConsentKind.TO_BE_ASSESSED,
            "given": "yes",
            **_date("given_on", timezone.localdate() + datetime.timedelta(days=1)),
        },
    )

    assert response.status_code == 400
    assert "Date of the decision must be today or in the past" in errors_of(response)
    assert not Consent.objects.exists()


# Onward referrals --------------------------------------------------------------------


def test_onward_referral_and_outcome(practitioner_client, referral):
    practitioner_client.post(
        reverse("assessments:onward_record", args=[referral.pk]),
        {
            "service": "womens_centre",
            "service_name": "Oasis Women's Centre",
            **_date("referred_on", timezone.localdate()),
            "reason": "Support with housing and domestic abuse",
        },
    )
    onward = referral.onward_referrals.get()

    practitioner_client.post(
        reverse("assessments:onward_outcome", args=[onward.pk]),
        {"outcome": "attended", **_date("outcome_on", timezone.localdate())},
    )

    onward.refresh_from_db()
    assert onward.outcome == "attended"
    page = practitioner_client.get(referral.get_absolute_url()).content.decode()
    assert "First appointment attended" in page


# Access ------------------------------------------------------------------------------


VIEW_NAMES = ["assessment_detail", "sign", "addendum", "summary"]


@pytest.mark.parametrize("name", VIEW_NAMES)
def test_outsider_sees_nothing_of_an_assessment(outsider_client, practitioner, name):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    ConsentFactory(referral=assessment.referral, share_with_court=True)

    response = outsider_client.get(reverse(f"assessments:{name}", args=[assessment.pk]))

    assert response.status_code in (302, 404)
    if response.status_code == 302:
        response = outsider_client.get(response.url)
        assert response.status_code == 404
    assert assessment.referral.person.family_name not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "args"),
    [("section", ["formulation"]), ("instrument", ["phq-9"])],
)
def test_outsider_cannot_open_steps(outsider_client, practitioner, name, args):
    assessment = _team_assessment(practitioner)

    response = outsider_client.get(reverse(f"assessments:{name}", args=[assessment.pk, *args]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["consent_record", "onward_record"])
def test_outsider_cannot_record_on_referral(outsider_client, referral, name):
    response = outsider_client.get(reverse(f"assessments:{name}", args=[referral.pk]))

    assert response.status_code == 404


def test_outsider_cannot_withdraw_consent_or_record_outcome(outsider_client, referral):
    consent = ConsentFactory(referral=referral)
    onward = OnwardReferralFactory(referral=referral)

    assert (
        outsider_client.get(reverse("assessments:consent_withdraw", args=[consent.pk])).status_code
        == 404
    )
    assert (
        outsider_client.get(reverse("assessments:onward_outcome", args=[onward.pk])).status_code
        == 404
    )


def test_probation_officer_without_consent_sees_no_detail(client, probation_officer, practitioner):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    client.force_login(probation_officer)

    detail = client.get(reverse("assessments:assessment_detail", args=[assessment.pk]), follow=True)
    section = client.get(reverse("assessments:section", args=[assessment.pk, "formulation"]))
    summary = client.get(reverse("assessments:summary", args=[assessment.pk]))

    for response, code in ((detail, 404), (section, 403), (summary, 404)):
        assert response.status_code == code
        html = response.content.decode()
        assert "Depression maintained" not in html
        assert assessment.referral.person.family_name not in html


def test_referral_panel_not_offered_to_probation(probation_officer, practitioner):
    from django.test import RequestFactory

    from assessments.selectors import referral_panel

    assessment = _team_assessment(practitioner)
    request = RequestFactory().get("/")
    request.user = probation_officer

    assert referral_panel(request, assessment.referral) is None


@pytest.mark.parametrize("rows", [1, 3])
def test_referral_panel_queries_do_not_grow_with_rows(
    rows, practitioner, django_assert_num_queries
):
    from django.test import RequestFactory

    from assessments.selectors import referral_panel

    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    for _ in range(rows):
        OnwardReferralFactory(referral=assessment.referral)
        ConsentFactory(referral=assessment.referral)
    InstrumentResponseFactory(assessment=assessment)
    ScreeningFactory(referral=assessment.referral)
    request = RequestFactory().get("/")
    request.user = practitioner

    with django_assert_num_queries(6):
        panel = referral_panel(request, assessment.referral)
        rendered = [o.get_service_display() for o in panel["context"]["onward"]]
    assert len(rendered) == rows


@pytest.mark.parametrize("rows", [1, 3])
def test_timeline_queries_do_not_grow_with_rows(rows, practitioner, django_assert_num_queries):
    from assessments.selectors import assessment_events

    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    for _ in range(rows):
        OnwardReferralFactory(referral=assessment.referral)
        ConsentFactory(referral=assessment.referral)

    with django_assert_num_queries(6):
        events = assessment_events(assessment.referral.person, practitioner)
    assert sum(1 for e in events if e["title"].startswith("Referred on")) == rows


def test_timeline_lists_assessment_events_for_team_only(practitioner, outsider):
    from referrals.selectors import person_timeline

    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    person = assessment.referral.person

    titles = [event["title"] for event in person_timeline(person, practitioner)]
    outsider_titles = [event["title"] for event in person_timeline(person, outsider)]

    assert "Assessment signed" in titles
    assert "Assessment signed" not in outsider_titles


def test_every_view_of_an_assessment_is_audited(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)

    practitioner_client.get(assessment.get_absolute_url())

    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, person_id=assessment.referral.person_id
    ).exists()


def test_instrument_draft_is_restored_with_its_answers(client, practitioner):
    assessment = _team_assessment(practitioner)
    client.force_login(practitioner)
    client.post(
        reverse("assessments:autosave", args=[assessment.referral_id, "instrument-gad-7"]),
        {"item_1": "2", "item_2": "3"},
    )
    client.post(reverse("accounts:logout"))
    client.force_login(practitioner)

    page = client.get(reverse("assessments:instrument", args=[assessment.pk, "gad-7"]))

    form = page.context["form"]
    assert [row["field"].value() for row in form.rows()][:3] == ["2", "3", None]
    assert "Draft restored" in page.content.decode()
    assert not InstrumentResponse.objects.exists()


def test_screening_draft_is_restored(client, practitioner, referral):
    client.force_login(practitioner)
    client.post(
        reverse("assessments:autosave", args=[referral.pk, "screening"]),
        {"risk_notes": "Said he wants to end it all", "decision": "full_assessment"},
    )
    client.post(reverse("accounts:logout"))
    client.force_login(practitioner)

    html = client.get(reverse("assessments:screening", args=[referral.pk])).content.decode()

    assert "Said he wants to end it all" in html
    assert "Draft restored" in html


def test_autosave_after_signing_is_refused(practitioner_client, practitioner):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )

    response = practitioner_client.post(
        reverse("assessments:autosave", args=[assessment.referral_id, "section-formulation"]),
        {"formulation": "Rewritten"},
    )

    assert response.status_code == 409
    assert not FormDraft.objects.exists()


def test_drafts_are_kept_per_user(client, practitioner, team):
    from tests.factories import UserFactory

    colleague = UserFactory(team=team)
    assessment = _team_assessment(practitioner)
    client.force_login(practitioner)
    client.post(
        reverse("assessments:autosave", args=[assessment.referral_id, "section-physical_health"]),
        {"physical_health": "Practitioner's notes"},
    )
    client.force_login(colleague)

    html = client.get(
        reverse("assessments:section", args=[assessment.pk, "physical_health"])
    ).content.decode()

    assert "Practitioner&#x27;s notes" not in html and "Practitioner's notes" not in html
    assert "Draft restored" not in html


def test_draft_survives_saving_another_section(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)
    practitioner_client.post(
        reverse("assessments:autosave", args=[assessment.referral_id, "section-mental_health"]),
        {"mental_health_history": "Seen by CMHT in 2019", "version": assessment.version},
    )
    practitioner_client.post(
        reverse("assessments:section", args=[assessment.pk, "physical_health"]),
        {"physical_health": "Asthma", "version": assessment.version},
    )

    html = practitioner_client.get(
        reverse("assessments:section", args=[assessment.pk, "mental_health"])
    ).content.decode()

    assert "Seen by CMHT in 2019" in html


def test_draft_older_than_a_colleagues_save_cannot_overwrite_it(client, practitioner, team):
    from tests.factories import UserFactory

    colleague = UserFactory(team=team)
    assessment = _team_assessment(practitioner)
    section = reverse("assessments:section", args=[assessment.pk, "physical_health"])
    client.force_login(practitioner)
    client.post(
        reverse("assessments:autosave", args=[assessment.referral_id, "section-physical_health"]),
        {"physical_health": "Asthma", "version": assessment.version},
    )
    client.force_login(colleague)
    client.post(section, {"physical_health": "Asthma and COPD", "version": assessment.version})
    client.force_login(practitioner)

    page = client.get(section)
    form_version = page.context["form"]["version"].value()
    refused = client.post(section, {"physical_health": "Asthma", "version": form_version})

    assert "saved by someone else" in page.content.decode()
    assert refused.status_code == 409
    assessment.refresh_from_db()
    assert assessment.physical_health == "Asthma and COPD"


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (5, "Date of assessment must be today or in the past"),
        (-400, "Date of assessment must be on or after "),
    ],
)
def test_assessment_date_out_of_range_is_refused(practitioner_client, practitioner, days, message):
    assessment = _team_assessment(practitioner)
    day = timezone.localdate() + datetime.timedelta(days=days)

    response = practitioner_client.post(
        reverse("assessments:section", args=[assessment.pk, "presenting"]),
        {
            **_date("assessed_on", day),
            "presenting_needs": "Low mood",
            "version": assessment.version,
        },
    )

    assert response.status_code == 400
    assert message in errors_of(response)
    assessment.refresh_from_db()
    assert (assessment.assessed_on, assessment.presenting_needs) == (timezone.localdate(), "")


# The unscored difficulty question of PHQ-9 and GAD-7 ----------------------------------

DIFFICULTY_QUESTION = (
    "If you checked off any problems, how difficult have these problems made it for you to "
    "do your work, take care of things at home, or get along with other people?"
)


@pytest.mark.parametrize(("slug", "shown"), [("phq-9", True), ("gad-7", True), ("audit", False)])
def test_instrument_form_asks_the_difficulty_question_of_phq9_and_gad7_only(
    practitioner_client, practitioner, slug, shown
):
    assessment = _team_assessment(practitioner)

    html = practitioner_client.get(
        reverse("assessments:instrument", args=[assessment.pk, slug])
    ).content.decode()

    assert (DIFFICULTY_QUESTION in html) == shown
    assert ("Extremely difficult" in html) == shown


@pytest.mark.parametrize("difficulty", ["", "0", "1", "2", "3"])
def test_difficulty_answer_is_stored_and_the_score_is_unchanged(
    practitioner_client, practitioner, difficulty
):
    assessment = _team_assessment(practitioner)
    data = {**{f"item_{n}": "2" for n in range(1, 8)}, "difficulty": difficulty}

    response = practitioner_client.post(
        reverse("assessments:instrument", args=[assessment.pk, "gad-7"]), data
    )

    assert response.status_code == 302
    saved = InstrumentResponse.objects.get(assessment=assessment)
    assert (saved.is_complete, saved.total, saved.band) == (True, 14, "moderate")
    assert saved.difficulty == (int(difficulty) if difficulty else None)


def test_difficulty_alone_does_not_complete_or_score(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)
    data = {**{f"item_{n}": "1" for n in range(1, 9)}, "difficulty": "2"}

    practitioner_client.post(reverse("assessments:instrument", args=[assessment.pk, "phq-9"]), data)

    saved = InstrumentResponse.objects.get(assessment=assessment)
    assert (saved.is_complete, saved.total, saved.difficulty) == (False, None, 2)
    assert saved.answers == [1] * 8 + [None]


def test_difficulty_answer_outside_the_options_is_refused(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)
    data = {**{f"item_{n}": "1" for n in range(1, 10)}, "difficulty": "4"}

    response = practitioner_client.post(
        reverse("assessments:instrument", args=[assessment.pk, "phq-9"]), data
    )

    assert response.status_code == 400
    assert "Select an answer to the last question" in errors_of(response)
    assert not InstrumentResponse.objects.exists()


def test_saved_difficulty_answer_is_shown_again_on_the_form(practitioner_client, practitioner):
    assessment = _team_assessment(practitioner)
    InstrumentResponseFactory(assessment=assessment, difficulty=3)

    html = practitioner_client.get(
        reverse("assessments:instrument", args=[assessment.pk, "phq-9"])
    ).content.decode()

    assert 'name="difficulty" type="radio" value="3" checked' in html


def test_signed_assessment_and_summary_show_the_difficulty_answer(
    practitioner_client, practitioner
):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    InstrumentResponseFactory(assessment=assessment, difficulty=2)
    InstrumentResponseFactory(
        assessment=assessment, code="AUDIT-C", answers=[1, 1, 1], total=3, band="negative"
    )
    ConsentFactory(referral=assessment.referral, share_with_court=True)
    shown = "Difficulty these problems cause (not scored): Very difficult"

    signed = practitioner_client.get(assessment.get_absolute_url()).content.decode()
    summary = practitioner_client.get(
        reverse("assessments:summary", args=[assessment.pk]) + "?for=court"
    ).content.decode()

    assert signed.count(shown) == 1
    assert summary.count(shown) == 1
    assert summary.count("Difficulty these problems cause") == 1
