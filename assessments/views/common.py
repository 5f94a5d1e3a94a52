"""Helpers shared by the assessments app's views."""

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from core.forms import lower_first

from .. import instruments, selectors
from ..enums import ConsentKind
from ..forms import SECTION_FORMS
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


def display(obj, name):
    """A field's value as a person reads it: the label of a choice, a date in words."""
    getter = getattr(obj, f"get_{name}_display", None)
    value = getter() if getter else getattr(obj, name)
    if hasattr(value, "strftime"):
        return date_format(value, "j F Y")
    return value


# Check your answers ------------------------------------------------------------------

# `?return=check` on a step's page: saving it goes back to the check-and-sign page.
RETURN_TO_CHECK = "return=check"


def returns_to_check(request) -> bool:
    """The step was opened from a link on the check-and-sign page."""
    return request.GET.get("return") == "check"


def field_anchor(bound_field) -> str:
    """The id of the element a link to this question lands on, as crispy-forms-gds renders
    it: the first option of radios or checkboxes (it numbers them from 1), the first box of
    a several-box input, otherwise the field's own id."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple included
        return f"id_{bound_field.html_name}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


def section_change_url(assessment, key: str, bound_field=None) -> str:
    url = reverse("assessments:section", args=[assessment.pk, key])
    anchor = f"#{field_anchor(bound_field)}" if bound_field is not None else ""
    return f"{url}?{RETURN_TO_CHECK}{anchor}"


def answer_cards(assessment, drafts) -> list[dict]:
    """One card per section of the task list: each question as the step asks it, the answer
    as a person reads it (None when blank), and a link to change it. `drafts` are the
    user's steps with typed, unsaved changes (selectors.draft_steps)."""
    cards = []
    for section in SECTIONS:
        form = SECTION_FORMS[section.key](instance=assessment)
        rows = [
            {
                "name": name,
                "label": form[name].label,
                "hidden": lower_first(form[name].label),
                "value": display(assessment, name) or None,
                "change_url": section_change_url(assessment, section.key, form[name]),
            }
            for name in section.fields
        ]
        cards.append(
            {
                "section": section,
                "rows": rows,
                "url": section_change_url(assessment, section.key),
                "hidden": lower_first(section.title),
                "unsaved": f"section-{section.key}" in drafts,
            }
        )
    return cards


def instrument_rows(assessment, responses) -> list[dict]:
    """The instruments used in the assessment, with their score and band where scored."""
    rows = []
    for definition in instruments.INSTRUMENTS.values():
        response = responses.get(definition.code)
        if response is None:
            continue
        if response.is_complete:
            value = f"{response.total}: {response.band_label}"
        else:
            value = (
                f"Partly answered ({response.answered_count} of {len(response.answers)} "
                "items): not scored"
            )
        url = reverse("assessments:instrument", args=[assessment.pk, definition.slug])
        rows.append(
            {"label": definition.title, "value": value, "change_url": f"{url}?{RETURN_TO_CHECK}"}
        )
    return rows


def blocker_link(assessment, blocker) -> dict:
    """A sign-off blocker (services.SignBlocker) as an error-summary entry that goes
    straight to the missing answer."""
    if blocker.field:
        form = SECTION_FORMS[blocker.section](instance=assessment)
        url = section_change_url(assessment, blocker.section, form[blocker.field])
    elif blocker.instrument:
        slug = instruments.get(blocker.instrument).slug
        url = reverse("assessments:instrument", args=[assessment.pk, slug])
        url += f"?{RETURN_TO_CHECK}"
        if blocker.item is not None:
            url += f"#id_item_{blocker.item}_0"  # InstrumentForm.rows numbers options from 0
    elif blocker.consent:
        url = reverse("assessments:consent_record", args=[assessment.referral_id])
        url += f"?kind={ConsentKind.TO_BE_ASSESSED}#id_given_1"
    else:
        url = reverse("assessments:sign", args=[assessment.pk])
    return {"text": blocker.message, "url": url}
