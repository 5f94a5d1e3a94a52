"""Instruments in the assessment: the published wording, drafts, scoring and the unscored
difficulty question of PHQ-9 and GAD-7.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import InstrumentResponse

from .conftest import errors_of
from .factories import ConsentFactory, InstrumentResponseFactory, signed_assessment
from .helpers import team_assessment

pytestmark = pytest.mark.django_db


# Instruments -------------------------------------------------------------------------


def test_instrument_page_shows_published_wording_and_source(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)

    html = practitioner_client.get(
        reverse("assessments:instrument", args=[assessment.pk, "phq-9"])
    ).content.decode()

    assert "Over the last 2 weeks, how often have you been bothered" in html
    assert "Thoughts that you would be better off dead or of hurting yourself in some way" in html
    assert "More than half the days" in html
    assert "Kroenke K, Spitzer RL, Williams JBW" in html
    assert "assessment-instruments.js" in html


def test_instrument_partly_answered_is_saved_as_draft(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)

    response = practitioner_client.post(
        reverse("assessments:instrument", args=[assessment.pk, "phq-9"]),
        {"item_1": "2", "item_2": "3"},
        follow=True,
    )

    saved = InstrumentResponse.objects.get(assessment=assessment)
    assert (saved.is_complete, saved.total) == (False, None)
    assert "not scored until every item is answered" in response.content.decode()


def test_instrument_answer_out_of_range_is_refused(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)

    response = practitioner_client.post(
        reverse("assessments:instrument", args=[assessment.pk, "audit"]),
        {"item_9": "3"},
    )

    assert response.status_code == 400
    assert "Select an answer to question 9" in errors_of(response)
    assert not InstrumentResponse.objects.exists()


def test_instrument_complete_is_scored(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)
    data = {f"item_{n}": "1" for n in range(1, 10)}

    practitioner_client.post(reverse("assessments:instrument", args=[assessment.pk, "phq-9"]), data)

    saved = InstrumentResponse.objects.get(assessment=assessment)
    assert (saved.total, saved.band, saved.flags) == (9, "mild", ["self_harm"])
    page = practitioner_client.get(assessment.get_absolute_url()).content.decode()
    assert (
        f"Risk: Self-harm or suicide, raised on {timezone.localdate():%-d %B %Y} (PHQ-9 item 9)"
        in page
    )


# The unscored difficulty question of PHQ-9 and GAD-7 ----------------------------------

DIFFICULTY_QUESTION = (
    "If you checked off any problems, how difficult have these problems made it for you to "
    "do your work, take care of things at home, or get along with other people?"
)


@pytest.mark.parametrize(("slug", "shown"), [("phq-9", True), ("gad-7", True), ("audit", False)])
def test_instrument_form_asks_the_difficulty_question_of_phq9_and_gad7_only(
    practitioner_client, practitioner, slug, shown
):
    assessment = team_assessment(practitioner)

    html = practitioner_client.get(
        reverse("assessments:instrument", args=[assessment.pk, slug])
    ).content.decode()

    assert (DIFFICULTY_QUESTION in html) == shown
    assert ("Extremely difficult" in html) == shown


@pytest.mark.parametrize("difficulty", ["", "0", "1", "2", "3"])
def test_difficulty_answer_is_stored_and_the_score_is_unchanged(
    practitioner_client, practitioner, difficulty
):
    assessment = team_assessment(practitioner)
    data = {**{f"item_{n}": "2" for n in range(1, 8)}, "difficulty": difficulty}

    response = practitioner_client.post(
        reverse("assessments:instrument", args=[assessment.pk, "gad-7"]), data
    )

    assert response.status_code == 302
    saved = InstrumentResponse.objects.get(assessment=assessment)
    assert (saved.is_complete, saved.total, saved.band) == (True, 14, "moderate")
    assert saved.difficulty == (int(difficulty) if difficulty else None)


def test_difficulty_alone_does_not_complete_or_score(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)
    data = {**{f"item_{n}": "1" for n in range(1, 9)}, "difficulty": "2"}

    practitioner_client.post(reverse("assessments:instrument", args=[assessment.pk, "phq-9"]), data)

    saved = InstrumentResponse.objects.get(assessment=assessment)
    assert (saved.is_complete, saved.total, saved.difficulty) == (False, None, 2)
    assert saved.answers == [1] * 8 + [None]


def test_difficulty_answer_outside_the_options_is_refused(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)
    data = {**{f"item_{n}": "1" for n in range(1, 10)}, "difficulty": "4"}

    response = practitioner_client.post(
        reverse("assessments:instrument", args=[assessment.pk, "phq-9"]), data
    )

    assert response.status_code == 400
    assert "Select an answer to the last question" in errors_of(response)
    assert not InstrumentResponse.objects.exists()


def test_saved_difficulty_answer_is_shown_again_on_the_form(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)
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
