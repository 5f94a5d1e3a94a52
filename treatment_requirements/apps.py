from django.apps import AppConfig


class TreatmentRequirementsConfig(AppConfig):
    name = "treatment_requirements"
    verbose_name = "Treatment requirements"

    def ready(self):
        from . import scopes  # noqa: F401  (registers the access-policy scopes)
