"""The assessments' forms write messages that name each field in words that read (instrument
items by their number), and every link of the error summary goes to a field on the page.
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import instruments
from assessments.forms import (
    SECTION_FORMS,
    AddendumForm,
    ConsentForm,
    ConsentWithdrawForm,
    InstrumentForm,
    OnwardOutcomeForm,
    OnwardReferralForm,
    ScreeningForm,
)
from assessments.models import Consent, Screening

from .conftest import errors_of
from .factories import AssessmentFactory
from .helpers import received_team_assessment, typed

pytestmark = pytest.mark.django_db


# Messages that read -------------------------------------------------------------------

UNREADABLE = re.compile(
    r"\bthe (what|why|how|who|which|is|are|does|do)\b|\b(adhd|phq|gad|audit|dast|sadq|nhs)\b"
)


def _messages(form) -> list[str]:
    return [
        str(message)
        for field in form.fields.values()
        for key, message in field.error_messages.items()
        if key in {"required", "invalid_choice", "invalid", "too_early", "too_late"}
    ]


@pytest.mark.parametrize("code", list(instruments.INSTRUMENTS))
def test_every_instrument_item_is_named_readably(code):
    definition = instruments.INSTRUMENTS[code]
    form = InstrumentForm(instrument=definition)

    messages = _messages(form)

    assert [m for m in messages if UNREADABLE.search(m)] == []
    assert form.fields["item_1"].error_messages["required"] == "Select an answer to question 1"
    last = len(definition.items)
    assert form.fields[f"item_{last}"].error_messages["invalid_choice"] == (
        f"Select an answer to question {last}"
    )


@pytest.mark.parametrize("code", list(instruments.INSTRUMENTS))
def test_an_answer_not_offered_names_its_question(code):
    definition = instruments.INSTRUMENTS[code]
    data = {f"item_{n}": "0" for n in range(1, len(definition.items) + 1)}
    data["item_2"] = "7"

    form = InstrumentForm(data, instrument=definition)

    assert form.errors == {"item_2": ["Select an answer to question 2"]}


def test_every_assessments_form_writes_messages_that_read(practitioner):
    assessment = AssessmentFactory()
    forms = [
        ScreeningForm(),
        AddendumForm(),
        ConsentForm(),
        ConsentWithdrawForm(),
        OnwardReferralForm(),
        OnwardOutcomeForm(),
        *(form_class(instance=assessment) for form_class in SECTION_FORMS.values()),
    ]

    messages = [m for form in forms for m in _messages(form)]

    assert len(messages) > 50
    assert [m for m in messages if UNREADABLE.search(m)] == []


def test_an_empty_consent_form_names_each_question(practitioner_client, referral):
    response = practitioner_client.post(
        reverse("assessments:consent_record", args=[referral.pk]), {"notes": ""}
    )

    errors = response.context["form"].errors
    assert errors == {
        "kind": ["Select what the consent is for"],
        "given": ["Select whether the person consents"],
        "given_on": ["Enter the date of the decision"],
    }
    assert not Consent.objects.exists()


def test_an_unknown_adhd_answer_names_the_question(practitioner_client, practitioner):
    assessment = received_team_assessment(practitioner)

    response = practitioner_client.post(
        reverse("assessments:section", args=[assessment.pk, "neurodevelopmental"]),
        {"adhd": "maybe", "autism": "no", "version": assessment.version},
    )

    assert response.status_code == 400
    assert "Select whether there is an indication of ADHD from the list" in errors_of(response)
    assessment.refresh_from_db()
    assert (assessment.adhd, assessment.autism) == ("", "")


def test_screening_without_a_reason_for_no_further_action_says_why(practitioner_client, referral):
    response = practitioner_client.post(
        reverse("assessments:screening", args=[referral.pk]),
        {
            "screened_on": typed(timezone.localdate()),
            "risk_level": "low",
            "urgency": "routine",
            "decision": "no_further_action",
        },
    )

    assert response.context["form"].errors == {
        "no_further_action_reason": ["Select why no further action is needed"]
    }
    assert not Screening.objects.exists()


# The error summary's links go to something on the page ---------------------------------


def _broken_summary_links(html: str) -> list[str]:
    start = html.index("govuk-error-summary__list")
    summary = html[start : html.index("</ul>", start)]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert targets, "the summary links to nothing"
    return [target for target in targets if f'id="{target}"' not in html]


def test_every_summary_link_of_screening_goes_to_a_field_on_the_page(practitioner_client, referral):
    response = practitioner_client.post(
        reverse("assessments:screening", args=[referral.pk]),
        {"screened_on": "31/2/2026", "vulnerabilities": ["999"], "decision": "no_further_action"},
    )
    html = response.content.decode()

    assert _broken_summary_links(html) == []
    assert 'href="#id_risk_level_1">Select the risk level<' in html
    assert 'href="#id_vulnerabilities_1">' in html


def test_every_summary_link_of_consent_and_a_step_goes_to_a_field_on_the_page(
    practitioner_client, referral, practitioner
):
    assessment = received_team_assessment(practitioner)
    consent = practitioner_client.post(
        reverse("assessments:consent_record", args=[referral.pk]), {"given_on": "0/0/0"}
    )
    step = practitioner_client.post(
        reverse("assessments:section", args=[assessment.pk, "neurodevelopmental"]),
        {"adhd": "maybe", "autism": "perhaps"},
    )

    assert _broken_summary_links(consent.content.decode()) == []
    assert _broken_summary_links(step.content.decode()) == []


def test_every_summary_link_of_an_instrument_goes_to_a_radio_on_the_page(
    practitioner_client, practitioner
):
    assessment = received_team_assessment(practitioner)

    response = practitioner_client.post(
        reverse("assessments:instrument", args=[assessment.pk, "phq-9"]),
        {"item_3": "9", "difficulty": "9"},
    )

    html = response.content.decode()
    assert _broken_summary_links(html) == []
    assert 'href="#id_item_3_0">Select an answer to question 3<' in html
