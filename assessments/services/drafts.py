"""What practitioners have typed but not yet saved."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from referrals.models import Referral

from .. import instruments
from ..models import Assessment, FormDraft, InstrumentResponse
from .assessment import instrument_save
from .common import MAX_DRAFT_BYTES

# Drafts typed but not yet saved ------------------------------------------------------


def _typed_before_a_save(assessment: Assessment | None, data: dict) -> bool:
    """The typing comes from a page opened before the assessment was last saved: its
    `version` is older. Such an autosave can arrive after the save it preceded (the browser
    sends it, the form is submitted, the server handles them in either order); kept, it would
    come back as a draft over the newer answers. Typing without a version is kept."""
    typed_version = (data.get("version") or [""])[0]
    if assessment is None or not str(typed_version).isascii() or not str(typed_version).isdigit():
        return False
    return int(typed_version) < assessment.version


def draft_autosave(*, user, referral: Referral, step: str, data: dict) -> FormDraft:
    """Keep what the user has typed into a step so far (replaces their previous draft).

    Not audited: it writes only the user's own unsaved typing and is called every few
    seconds. The draft is discarded when the step is saved or the assessment signed.
    """
    size = sum(len(str(key)) + len(str(value)) for key, value in data.items())
    if size > MAX_DRAFT_BYTES:
        raise ValidationError("The draft is too large to save.")
    draft, _ = FormDraft.objects.update_or_create(
        user=user, referral=referral, step=step, defaults={"data": data, "saved_at": timezone.now()}
    )
    return draft


def section_draft_autosave(
    *, user, assessment: Assessment, step: str, data: dict
) -> FormDraft | None:
    """Keep the typing of an assessment section, unless it comes from a page opened before
    the assessment was last saved (`_typed_before_a_save`): then None, and nothing is kept.

    The version is read again with the assessment's row locked, not taken from the request's
    copy: a section saved between this request reading the assessment and writing the draft
    (a field left, then "Save and continue" at once) would otherwise leave the older typing
    as a draft newer than the save, and the page would put it back over the saved answers."""
    with transaction.atomic():
        current = Assessment.objects.select_for_update().only("version").get(pk=assessment.pk)
        if _typed_before_a_save(current, data):
            return None
        return draft_autosave(user=user, referral=assessment.referral, step=step, data=data)


def instrument_draft_autosave(
    *,
    user,
    assessment: Assessment,
    code: str,
    answers: list,
    difficulty: int | None,
    data: dict,
    request=None,
) -> FormDraft | InstrumentResponse:
    """Autosave of an instrument step: a risk is never left only in someone's typing.

    When the typed answers raise the self-harm flag (PHQ-9 item 9 above 0), or clear one
    the stored draft response carries (item 9 answered, now 0), they are saved as the
    instrument's response through `instrument_save` (flag stored and audited; the typed
    draft is discarded). Otherwise only the user's typed draft is kept, as for any step.
    """
    try:
        raised = instruments.flags(code, answers)
        instruments.validate_difficulty(code, difficulty)
    except ValueError:  # not answers the form offers: keep the typing, store nothing
        return draft_autosave(
            user=user, referral=assessment.referral, step=f"instrument-{code.lower()}", data=data
        )
    stored = InstrumentResponse.objects.filter(assessment=assessment, code=code).first()
    stored_flag = stored is not None and stored.self_harm_recorded_at is not None
    corrected = stored_flag and all(
        answers[number - 1] is not None
        for number, _threshold, flag in instruments.get(code).flag_rules
        if flag == "self_harm"
    )
    if "self_harm" in raised or corrected:
        return instrument_save(
            code=code,
            answers=answers,
            difficulty=difficulty,
            assessment=assessment,
            by=user,
            request=request,
        )
    return draft_autosave(
        user=user, referral=assessment.referral, step=f"instrument-{code.lower()}", data=data
    )
