from django.apps import AppConfig


class TreatmentRequirementsConfig(AppConfig):
    name = "treatment_requirements"
    verbose_name = "Treatment requirements"

    def ready(self):
        from referrals.selectors import (
            register_follow_up_held_elsewhere,
            register_referral_panel,
            register_timeline_provider,
        )

        from . import scopes  # noqa: F401  (registers the access-policy scopes)
        from .panels import referral_panel, reoffending_panel, treatment_events
        from .selectors import held_by_probation

        register_referral_panel(referral_panel)
        register_referral_panel(reoffending_panel)
        register_timeline_provider(treatment_events)
        register_follow_up_held_elsewhere(held_by_probation)
