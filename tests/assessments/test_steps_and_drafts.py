"""The assessment's steps: saving a section, drafts saved as people type (restored after
signing out, kept per user, never overwriting a newer save) and the date of the assessment.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import FormDraft, InstrumentResponse

from .conftest import errors_of
from .factories import signed_assessment
from .helpers import team_assessment, typed_date

pytestmark = pytest.mark.django_db


# Steps, drafts and autosave ----------------------------------------------------------


def test_section_save_moves_to_next_step(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)
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
    assessment = team_assessment(practitioner, physical_health="Asthma", version=3)
    url = reverse("assessments:section", args=[assessment.pk, "physical_health"])

    response = practitioner_client.post(url, {"physical_health": "Diabetes", "version": 2})

    assert response.status_code == 409
    assert "Someone else saved this record" in errors_of(response)
    assessment.refresh_from_db()
    assert assessment.physical_health == "Asthma"


def test_draft_survives_sign_out_and_is_restored(client, practitioner):
    assessment = team_assessment(practitioner)
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
    assessment = team_assessment(practitioner)
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
    assessment = team_assessment(practitioner)
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
    assessment = team_assessment(practitioner)

    response = outsider_client.post(
        reverse("assessments:autosave", args=[assessment.referral_id, "section-physical_health"]),
        {"physical_health": "x"},
    )

    assert response.status_code == 404
    assert not FormDraft.objects.exists()


def test_autosave_unknown_step_is_refused(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)

    response = practitioner_client.post(
        reverse("assessments:autosave", args=[assessment.referral_id, "anything"]), {"a": "b"}
    )

    assert response.status_code == 404


def test_instrument_draft_is_restored_with_its_answers(client, practitioner):
    assessment = team_assessment(practitioner)
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
    assessment = team_assessment(practitioner)
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
    assessment = team_assessment(practitioner)
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
    assessment = team_assessment(practitioner)
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
    assessment = team_assessment(practitioner)
    day = timezone.localdate() + datetime.timedelta(days=days)

    response = practitioner_client.post(
        reverse("assessments:section", args=[assessment.pk, "presenting"]),
        {
            **typed_date("assessed_on", day),
            "presenting_needs": "Low mood",
            "version": assessment.version,
        },
    )

    assert response.status_code == 400
    assert message in errors_of(response)
    assessment.refresh_from_db()
    assert (assessment.assessed_on, assessment.presenting_needs) == (timezone.localdate(), "")


def test_an_autosave_arriving_after_the_save_it_preceded_is_not_kept(
    practitioner_client, practitioner
):
    """The browser sends the typing, then the form; the server may handle them in either
    order. A draft kept from the older page would show the section "In progress" and come
    back over the saved answers."""
    assessment = team_assessment(practitioner)
    opened_at = assessment.version
    section = reverse("assessments:section", args=[assessment.pk, "physical_health"])
    autosave = reverse(
        "assessments:autosave", args=[assessment.referral_id, "section-physical_health"]
    )
    practitioner_client.post(section, {"physical_health": "Asthma", "version": opened_at})

    late = practitioner_client.post(autosave, {"physical_health": "Asth", "version": opened_at})

    assert late.status_code == 409
    assert "saved after this page was opened" in late.json()["error"]
    assert not FormDraft.objects.exists()
    page = practitioner_client.get(section).content.decode()
    assert "Draft restored" not in page
    task_list = practitioner_client.get(
        reverse("assessments:assessment_detail", args=[assessment.pk])
    )
    assert 'id="section-physical_health-status">Completed' in task_list.content.decode()


def test_an_autosave_that_read_the_assessment_before_a_save_committed_is_not_kept(
    practitioner,
):
    """The autosave request read the assessment (version n); the section's save then
    committed (n + 1) before the draft was written. The version is read again under the
    row's lock, so the older typing is not kept: a check against the request's own copy let
    it through (a journey saw "8 of 9 sections" after saving the ninth)."""
    from assessments import services
    from assessments.models import Assessment

    assessment = team_assessment(practitioner)
    read_by_the_autosave = Assessment.objects.get(pk=assessment.pk)
    opened_at = read_by_the_autosave.version
    services.assessment_section_save(
        assessment=Assessment.objects.get(pk=assessment.pk),
        section_key="physical_health",
        data={"physical_health": "Asthma"},
        expected_version=opened_at,
        by=practitioner,
    )

    kept = services.section_draft_autosave(
        user=practitioner,
        assessment=read_by_the_autosave,
        step="section-physical_health",
        data={"physical_health": ["Asth"], "version": [str(opened_at)]},
    )

    assert kept is None
    assert not FormDraft.objects.exists()
    # and typing from the page as it is now is kept
    now = Assessment.objects.get(pk=assessment.pk).version
    assert services.section_draft_autosave(
        user=practitioner,
        assessment=read_by_the_autosave,
        step="section-physical_health",
        data={"physical_health": ["Asthma, inhaler"], "version": [str(now)]},
    )
    assert FormDraft.objects.get().data["physical_health"] == ["Asthma, inhaler"]


def test_an_autosave_from_the_page_as_it_is_now_is_kept(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)
    practitioner_client.post(
        reverse("assessments:section", args=[assessment.pk, "physical_health"]),
        {"physical_health": "Asthma", "version": assessment.version},
    )
    assessment.refresh_from_db()

    typed = practitioner_client.post(
        reverse("assessments:autosave", args=[assessment.referral_id, "section-physical_health"]),
        {"physical_health": "Asthma, inhaler twice daily", "version": assessment.version},
    )

    assert typed.status_code == 200
    assert FormDraft.objects.get().data["physical_health"] == ["Asthma, inhaler twice daily"]
