"""The self-harm flag raised from the PHQ-9 screens: a saved draft and the autosave raise it as
soon as item 9 is answered above 0, a correction to 0 clears it, leaving item 9 blank keeps
it, and a draft that recorded the risk cannot be discarded.
"""

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import FormDraft, InstrumentResponse
from tests.factories import PersonFactory, ReferralFactory

from .factories import signed_assessment
from .helpers import banner, page_html

pytestmark = pytest.mark.django_db


# Raised from the screens: a saved draft and the autosave ----------------------------------


def _autosave(client, assessment, data):
    url = reverse("assessments:autosave", args=[assessment.referral_id, "instrument-phq-9"])
    return client.post(url, data)


def test_saving_only_item_9_from_the_form_raises_the_banner(practitioner_client, world):
    assessment = world["assessments"]["b"]
    url = reverse("assessments:instrument", args=[assessment.pk, "phq-9"])

    response = practitioner_client.post(url, {"item_9": "1"})

    assert response.status_code == 302
    saved = InstrumentResponse.objects.get(assessment=assessment)
    assert (saved.is_complete, saved.flags) == (False, ["self_harm"])
    html = page_html(practitioner_client, world["referrals"]["c"].get_absolute_url())
    assert "Risk: Self-harm or suicide" not in html


def test_autosave_with_item_9_above_zero_stores_the_flag(practitioner_client, practitioner, world):
    assessment = world["assessments"]["c"]
    InstrumentResponse.objects.filter(assessment=assessment).delete()

    response = _autosave(practitioner_client, assessment, {"item_1": "2", "item_9": "3"})

    assert response.status_code == 200
    saved = InstrumentResponse.objects.get(assessment=assessment)
    assert saved.answers == [2] + [None] * 7 + [3]
    assert (saved.is_complete, saved.flags) == (False, ["self_harm"])
    assert not FormDraft.objects.filter(referral=assessment.referral).exists()
    html = page_html(
        practitioner_client, reverse("referrals:person_detail", args=[world["safe"].pk])
    )
    assert html.count(banner()) == 1


def test_autosave_correcting_item_9_to_zero_clears_the_flag(practitioner_client, world):
    assessment = world["assessments"]["a"]

    _autosave(practitioner_client, assessment, {"item_9": "0"})

    saved = InstrumentResponse.objects.get(assessment=assessment)
    assert (saved.flags, saved.self_harm_recorded_at) == ([], None)
    html = page_html(practitioner_client, world["referrals"]["a"].get_absolute_url())
    assert "Risk: Self-harm or suicide" not in html


def test_autosave_without_a_flag_keeps_only_the_typed_draft(practitioner_client, world):
    assessment = world["assessments"]["b"]

    response = _autosave(practitioner_client, assessment, {"item_1": "3", "item_9": "0"})

    assert response.status_code == 200
    assert not InstrumentResponse.objects.filter(assessment=assessment).exists()
    draft = FormDraft.objects.get(referral=assessment.referral, step="instrument-phq-9")
    assert draft.data == {"item_1": ["3"], "item_9": ["0"]}


def test_autosave_of_a_signed_assessment_stores_nothing(practitioner_client, practitioner, site):
    assessment = signed_assessment(
        referral=ReferralFactory(person=PersonFactory(team=practitioner.team), site=site)
    )

    response = _autosave(practitioner_client, assessment, {"item_9": "2"})

    assert response.status_code == 409
    assert not InstrumentResponse.objects.filter(assessment=assessment).exists()


# A recorded risk is not removed with the draft ---------------------------------------------


def test_discarding_a_flagged_draft_is_refused_and_the_banner_stays(practitioner_client, world):
    assessment = world["assessments"]["a"]
    url = reverse("assessments:instrument_discard", args=[assessment.pk, "phq-9"])

    response = practitioner_client.post(url, follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "This PHQ-9 records thoughts of self-harm (question 9), so it cannot be removed. "
        "Finish it, or correct question 9 if it was entered by mistake."
    ) in html
    assert InstrumentResponse.objects.filter(assessment=assessment).exists()
    assert html.count(banner()) == 1


def test_discarding_a_draft_after_correcting_item_9_is_allowed(
    practitioner_client, practitioner, world
):
    assessment = world["assessments"]["a"]
    services.instrument_save(
        code="PHQ-9", answers=[None] * 8 + [0], assessment=assessment, by=practitioner
    )
    url = reverse("assessments:instrument_discard", args=[assessment.pk, "phq-9"])

    response = practitioner_client.post(url)

    assert response.status_code == 302
    assert not InstrumentResponse.objects.filter(assessment=assessment).exists()


def test_discarding_an_unflagged_draft_still_works(practitioner_client, practitioner, world):
    assessment = world["assessments"]["b"]
    services.instrument_save(
        code="GAD-7", answers=[3] + [None] * 6, assessment=assessment, by=practitioner
    )

    response = practitioner_client.post(
        reverse("assessments:instrument_discard", args=[assessment.pk, "gad-7"])
    )

    assert response.status_code == 302
    assert not InstrumentResponse.objects.filter(assessment=assessment).exists()


def test_autosave_without_item_9_keeps_the_stored_flag_and_the_typing(practitioner_client, world):
    assessment = world["assessments"]["a"]

    response = _autosave(practitioner_client, assessment, {"item_1": "1"})

    assert response.status_code == 200
    saved = InstrumentResponse.objects.get(assessment=assessment)
    assert (saved.answers, saved.flags) == ([None] * 8 + [2], ["self_harm"])
    draft = FormDraft.objects.get(referral=assessment.referral, step="instrument-phq-9")
    assert draft.data == {"item_1": ["1"]}


def test_form_saved_without_item_9_after_a_flag_says_what_to_do(practitioner_client, world):
    assessment = world["assessments"]["a"]
    url = reverse("assessments:instrument", args=[assessment.pk, "phq-9"])

    response = practitioner_client.post(url, {f"item_{n}": "1" for n in range(1, 9)})

    assert response.status_code == 400
    assert "PHQ-9 question 9 was answered and raised a self-harm flag" in response.content.decode()
    assert InstrumentResponse.objects.get(assessment=assessment).flags == ["self_harm"]
