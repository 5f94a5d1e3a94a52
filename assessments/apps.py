from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self):
        from referrals.selectors import (
            register_decided_urgency,
            register_person_alert,
            register_person_marker,
            register_referral_panel,
            register_timeline_provider,
        )

        from . import scopes  # noqa: F401
        from .instruments import RISK_FLAGS
        from .selectors import (
            assessment_events,
            person_risk_alert,
            referral_panel,
            screened_urgency,
            self_harm_recorded,
        )

        register_referral_panel(referral_panel)
        register_timeline_provider(assessment_events)
        register_person_alert(person_risk_alert)
        register_person_marker("self_harm_risk", RISK_FLAGS["self_harm"]["tag"], self_harm_recorded)
        register_decided_urgency(screened_urgency)
