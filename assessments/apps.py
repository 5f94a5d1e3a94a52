from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self):
        from referrals.selectors import register_referral_panel, register_timeline_provider

        from . import scopes  # noqa: F401
        from .selectors import assessment_events, referral_panel

        register_referral_panel(referral_panel)
        register_timeline_provider(assessment_events)
