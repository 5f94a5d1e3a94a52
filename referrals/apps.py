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
        _withhold_access_lists()

        register_person_record_page(
            "Subject access export",
            "referrals:subject_access",
            action=Action.EXPORT,
            kind=Kind.PERSON,
            position=90,
        )
        register_person_record_page(
            "Access to this record",
            "referrals:record_access",
            action=Action.RESTRICT,
            kind=Kind.PERSON,
            position=95,
        )


def _withhold_access_lists():
    """Who may or may not see the record names other staff and why (third-party
    information): never in a subject access export."""
    from django.db.models import Q

    from .models import RecordAccess
    from .subject_access import register_withheld_from_export

    register_withheld_from_export(
        RecordAccess,
        lambda: Q(pk__isnull=False),
        "Who may see this record, and why, names other staff (third-party information).",
    )
