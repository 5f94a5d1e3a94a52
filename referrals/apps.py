from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "People and referrals"

    def ready(self):
        from accounts.audit import register_person_finder
        from accounts.policy import Action, Kind

        from . import scopes  # noqa: F401 - registers the access policy's scope filters
        from .selectors import person_id_by_nhs_number, register_person_record_page

        register_person_finder(person_id_by_nhs_number)

        register_person_record_page(
            "Subject access export",
            "referrals:subject_access",
            action=Action.EXPORT,
            kind=Kind.PERSON,
            position=90,
        )
