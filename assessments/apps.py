from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self):
        from referrals.selectors import (
            register_decided_urgency,
            register_referral_panel,
            register_timeline_provider,
        )

        from . import scopes  # noqa: F401
        from .selectors import (
            assessment_events,
            referral_panel,
            screened_urgency,
        )

        register_referral_panel(referral_panel)
        register_timeline_provider(assessment_events)
        # The self-harm risk follows the person through the risk register (risks app):
        # instrument_save raises the register entry; risks registers the banner and markers.
        register_decided_urgency(screened_urgency)
