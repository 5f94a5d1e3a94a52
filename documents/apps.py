from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "Documents"

    def ready(self):
        from accounts.policy import Action, Kind
        from referrals.selectors import register_person_record_page, register_timeline_provider

        from . import scopes  # noqa: F401  (registers the access-policy scopes)
        from .selectors import document_events

        register_timeline_provider(document_events)
        register_person_record_page(
            "Documents",
            "documents:person_documents",
            action=Action.VIEW,
            kind=Kind.DOCUMENT,
            position=20,
            current_on=("documents:",),
        )
