from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts, teams and audit"

    def ready(self):
        from core.logging import register_scrubbed_field_names

        from . import signals  # noqa: F401 - sign-in/out audit receivers
        from .classification import autodiscover, scrubbed_field_names

        autodiscover()  # every app's <app>/classification.py
        register_scrubbed_field_names(scrubbed_field_names)
