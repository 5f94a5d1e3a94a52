from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "People and referrals"

    def ready(self):
        from . import scopes  # noqa: F401 - registers the access policy's scope filters
