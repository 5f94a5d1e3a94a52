from django import template

from referrals.identifiers import format_nhs_number

register = template.Library()


@register.filter
def any_errors(forms) -> bool:
    """True when any of the forms (None allowed) has an error: one summary for the page."""
    return any(form is not None and form.errors for form in forms or ())


@register.filter
def nhs_number(value) -> str:
    """An NHS number shown 3-3-4, as people read it aloud."""
    return format_nhs_number(value or "")
