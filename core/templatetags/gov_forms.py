"""The GOV.UK error summary of the form base (core.forms), for every page.

    {% load gov_forms %}
    {% gov_error_summary form %}            one form
    {% gov_error_summary forms %}           a list of forms (None allowed): one summary
    {% gov_error_summary form top="id" %}   errors about no one field link to #id

Each link goes to an element that is on the page: the field's input, or for radios and
checkboxes the first one (crispy-forms-gds numbers them id_<name>_1); an error about the
whole form (or a hidden field such as the version) to `top`, else the first field.
"""

from django import template

register = template.Library()


@register.filter
def error_anchor(bound_field) -> str:
    """The id a summary links to for `bound_field`."""
    widget = bound_field.field.widget
    kind = getattr(widget, "input_type", "")
    if kind == "radio" or (
        kind == "checkbox" and getattr(widget, "allow_multiple_selected", False)
    ):
        return f"id_{bound_field.html_name}_1"
    return bound_field.auto_id


@register.filter
def any_errors(forms) -> bool:
    """True when any of the forms (None allowed) has an error: "Error: " in the title."""
    return any(form.errors for form in _flatten([forms]))


def _flatten(items) -> list:
    flat = []
    for item in items:
        if isinstance(item, list | tuple):
            flat.extend(_flatten(item))
        elif item is not None:
            flat.append(item)
    return flat


@register.inclusion_tag("core/_error_summary.html")
def gov_error_summary(*forms, top: str = "") -> dict:
    errors = []
    for form in _flatten(forms):
        if not form.errors:
            continue
        visible = form.visible_fields()
        whole_form = top or (error_anchor(visible[0]) if visible else "main-content")
        errors += [(whole_form, error) for error in form.non_field_errors()]
        errors += [(whole_form, error) for field in form.hidden_fields() for error in field.errors]
        errors += [(error_anchor(field), error) for field in visible for error in field.errors]
    return {"errors": errors}
