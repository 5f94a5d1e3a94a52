from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts, teams and audit"

    def ready(self):
        from . import signals  # noqa: F401 - sign-in/out audit receivers
