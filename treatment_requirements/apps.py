from django.apps import AppConfig


class TreatmentRequirementsConfig(AppConfig):
    name = "treatment_requirements"
