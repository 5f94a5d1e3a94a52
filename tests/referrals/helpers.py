"""Helpers shared by the referrals tests and the browser tests."""

from referrals.models import Ethnicity, OffenceCategory, Vulnerability
from referrals.reference_data import ETHNICITIES, OFFENCE_CATEGORIES, VULNERABILITIES


def ensure_reference_data():
    """Reload the coded lists if a transactional test emptied the tables."""
    if Ethnicity.objects.exists() and Vulnerability.objects.exists():
        return
    for order, (code, group, name) in enumerate(ETHNICITIES):
        Ethnicity.objects.update_or_create(
            code=code, defaults={"group": group, "name": name, "sort_order": order}
        )
    for order, (code, name) in enumerate(OFFENCE_CATEGORIES):
        OffenceCategory.objects.update_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
    for order, (code, name) in enumerate(VULNERABILITIES):
        Vulnerability.objects.update_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
