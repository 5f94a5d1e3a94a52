from django.apps import AppConfig


class TreatmentRequirementsConfig(AppConfig):
    name = "treatment_requirements"
    verbose_name = "Treatment requirements"

    def ready(self):
        from referrals.selectors import register_referral_panel, register_timeline_provider
        from referrals.signals import referral_changed

        from . import scopes  # noqa: F401  (registers the access-policy scopes)
        from .panels import referral_panel, treatment_events
        from .services.follow_up import reoffending_due_follows_referral

        register_referral_panel(referral_panel)
        register_timeline_provider(treatment_events)
        referral_changed.connect(reoffending_due_follows_referral, dispatch_uid="reoffending_due")
