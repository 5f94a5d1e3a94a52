"""Checks shared by the recommendation and the court's order: which requirements go
together, the provider named, the proposed length."""

from django.core.exceptions import ValidationError

from accounts.enums import TeamKind

from ..enums import RequirementKind


def check_requirement_kinds(kinds) -> None:
    """Each requirement once, at least one, and not both kinds of MHTR."""
    if len(set(kinds)) != len(kinds):
        raise ValidationError({"kinds": "Propose each requirement only once"})
    if not kinds:
        raise ValidationError({"kinds": "Select at least one requirement to propose"})
    if RequirementKind.mhtr() <= set(kinds):
        raise ValidationError(
            {"kinds": "Propose either a primary-care or a secondary-care MHTR, not both"}
        )


def check_provider(provider) -> None:
    if provider is None or provider.kind != TeamKind.TREATMENT_PROVIDER or not provider.is_active:
        raise ValidationError({"provider": "Choose an active treatment provider"})


def check_duration(months) -> None:
    if months is not None and not 1 <= months <= 36:
        raise ValidationError({"duration_months": "The duration must be between 1 and 36 months"})
