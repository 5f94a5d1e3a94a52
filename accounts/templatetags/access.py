"""Ask the access policy from a template: {% if request.user|permits:"view workload" %}."""

from django import template

from accounts.policy import permits as policy_permits

register = template.Library()


@register.filter
def permits(user, cell: str) -> bool:
    """May the user's role do `action` on `kind` at all ("<action> <kind>", policy names)?"""
    action, kind = cell.split()
    return policy_permits(user, action, kind)
