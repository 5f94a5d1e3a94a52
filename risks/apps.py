from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = "Risk register"

    def ready(self):
        from accounts.policy import Action, Kind
        from referrals.selectors import (
            register_person_alert,
            register_person_marker,
            register_person_record_page,
            register_timeline_provider,
        )

        from . import scopes  # noqa: F401 - registers the access policy's scope filters
        from .selectors import (
            MARKERS,
            person_risk_alert,
            risk_events,
        )

        register_person_alert(person_risk_alert)
        register_timeline_provider(risk_events)
        register_person_record_page(
            "Risk register",
            "risks:register",
            action=Action.VIEW,
            kind=Kind.RISK,
            position=30,
            current_on=("risks:",),
        )
        for attribute, (label, expression, urgent) in MARKERS.items():
            register_person_marker(attribute, label, expression, urgent=urgent)
