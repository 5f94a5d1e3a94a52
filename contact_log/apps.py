from django.apps import AppConfig


class ContactLogConfig(AppConfig):
    name = "contact_log"
    verbose_name = "Contact log"

    def ready(self):
        from accounts.policy import Action, Kind
        from referrals.selectors import register_person_record_page, register_timeline_provider
        from referrals.subject_access import register_withheld_from_export

        from . import scopes  # noqa: F401  (registers the access-policy scopes)
        from .models import Contact, ContactAddendum, withheld_q
        from .selectors import contact_events

        register_timeline_provider(contact_events)
        register_person_record_page(
            "Contact log",
            "contact_log:contact_log",
            action=Action.VIEW,
            kind=Kind.CONTACT,
            position=10,
            current_on=("contact_log:",),
        )
        register_withheld_from_export(Contact, withheld_q, WITHHELD_EXPLANATION)
        register_withheld_from_export(
            ContactAddendum, lambda: withheld_q("contact__"), WITHHELD_EXPLANATION
        )


WITHHELD_EXPLANATION = (
    "Restricted contact notes (safeguarding or third-party information) are withheld until "
    "a review releases them; their addenda are withheld with them."
)
