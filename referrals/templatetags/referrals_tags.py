from django import template

from core.urls import url_for_id as core_url_for_id
from referrals.identifiers import format_nhs_number

register = template.Library()

STATUS_TAG_CLASSES = {
    "received": "govuk-tag--blue",
    "screened": "govuk-tag--purple",
    "assessed": "govuk-tag--green",
}


@register.filter
def nhs_number(value) -> str:
    """An NHS number shown 3-3-4, as people read it aloud."""
    return format_nhs_number(value or "")


@register.filter
def url_for_id(pk, url_name: str) -> str:
    """The URL of `url_name` for one id, e.g. {{ referral.pk|url_for_id:"referrals:referral_detail" }}.

    Same result as {% url url_name pk %}, reversed once per URL name instead of once per row
    (core.urls.url_for_id).
    """
    return core_url_for_id(url_name, pk)


@register.filter
def status_tag_class(status) -> str:
    """The GOV.UK tag colour for a referral status (closed and anything else: grey)."""
    return STATUS_TAG_CLASSES.get(status, "govuk-tag--grey")


@register.filter
def select_options(field):
    """(value, label, selected) for each choice of a bound select field.

    The field's current value is read once, not once per option.
    """
    current = str(field.value())
    return [(str(value), label, str(value) == current) for value, label in field.field.choices]


@register.filter
def person_markers(row) -> list[str]:
    """Labels of the registered person markers (selectors.register_person_marker) that are
    true on a list row annotated by selectors.annotate_person_markers."""
    from referrals.selectors import PERSON_MARKERS

    return [
        label for attribute, (label, _) in PERSON_MARKERS.items() if getattr(row, attribute, False)
    ]


@register.inclusion_tag("referrals/_person_alerts.html", takes_context=True)
def person_alerts(context):
    """The registered alerts (selectors.register_person_alert) about the page's `person`."""
    from referrals.models import Person
    from referrals.selectors import person_alerts as alerts_for

    person, request = context.get("person"), context.get("request")
    if not isinstance(person, Person) or request is None:
        return {"alerts": []}
    return {"alerts": alerts_for(request, person)}


@register.simple_tag(takes_context=True)
def person_record_links(context) -> list[dict]:
    """The person's record navigation for the page's `person` (selectors.person_record_nav):
    the pages this user may see, the one shown marked current."""
    from referrals.models import Person
    from referrals.selectors import person_record_nav

    person, request = context.get("person"), context.get("request")
    if not isinstance(person, Person) or request is None:
        return []
    match = getattr(request, "resolver_match", None)
    return person_record_nav(request.user, person, match.view_name if match else "")
