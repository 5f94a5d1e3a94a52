"""Helpers shared by the assessments app's views."""

from django.utils import timezone
from django.utils.formats import date_format

from .. import instruments, selectors
from ..sections import SECTIONS

AUTOSAVE_STEPS = (
    {"screening"}
    | {f"section-{s.key}" for s in SECTIONS}
    | {f"instrument-{slug}" for slug in instruments.BY_SLUG}
)


def restored_draft(request, referral_id, step, newer_than=None):
    """The user's typed draft of a step, if there is one newer than what is saved."""
    draft = selectors.draft_for(request.user, referral_id, step)
    if draft is None or (newer_than is not None and draft.saved_at <= newer_than):
        return None
    return draft


def draft_notice_text(draft):
    when = timezone.localtime(draft.saved_at)
    return (
        f"What you typed at {date_format(when, 'H:i')} on "
        f"{date_format(when, 'j F Y')} has been put back. Select “Save and continue” to keep it."
    )
