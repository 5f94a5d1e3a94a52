"""What practitioners have typed but not yet saved."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from referrals.models import Referral

from ..models import FormDraft
from .common import MAX_DRAFT_BYTES

# Drafts typed but not yet saved ------------------------------------------------------


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
