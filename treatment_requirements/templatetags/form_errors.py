"""Where an error summary's link goes: an element that is on the page."""

from django import template

register = template.Library()


@register.filter
def error_anchor(bound_field) -> str:
    """The id a summary links to for `bound_field`: the input's own id, or for radios and
    checkboxes the first one's, as crispy-forms-gds numbers them (id_<name>_1)."""
    widget = bound_field.field.widget
    kind = getattr(widget, "input_type", "")
    if kind == "radio" or (
        kind == "checkbox" and getattr(widget, "allow_multiple_selected", False)
    ):
        return f"id_{bound_field.html_name}_1"
    return bound_field.auto_id
