from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "Documents"

    def ready(self):
        from referrals.selectors import register_timeline_provider

        from . import scopes  # noqa: F401  (registers the access-policy scopes)
        from .selectors import document_events

        register_timeline_provider(document_events)
