import datetime

import pytest
from django.utils import timezone

from referrals.models import Ethnicity, OffenceCategory, Vulnerability

from .helpers import ensure_reference_data


@pytest.fixture
def reference_data(db):
    ensure_reference_data()


@pytest.fixture
def intake_data(site, practitioner, reference_data):
    """A complete, valid intake form post (custody referral for a new person)."""
    received = timezone.localtime() - datetime.timedelta(hours=2)

    def build(**overrides):
        data = {
            "person-given_name": "Zoë",
            "person-family_name": "O'Brien",
            "person-other_names": "",
            "person-date_of_birth": "14/2/1991",
            "person-gender": "female",
            "person-ethnicity": str(Ethnicity.objects.get(code="white-irish").pk),
            "person-nhs_number": "943 476 5919",
            "person-pnc_id": "79/163001b",
            "person-cro_number": "",
            "person-postcode_district": "cb1",
            "person-local_authority": "Cambridge",
            "person-is_veteran": "on",
            "referral-source": "police_custody",
            "referral-site": str(site.pk),
            "referral-received_date": f"{received.day}/{received.month}/{received.year}",
            "referral-received_time": received.strftime("%H:%M"),
            "referral-referrer_name": "Sgt Amy Fox",
            "referral-referrer_role": "custody_staff",
            "referral-referrer_organisation": "Cambridgeshire Constabulary",
            "referral-case_reference": "CUST/26/000123",
            "referral-offence_category": str(OffenceCategory.objects.get(code="theft-offences").pk),
            "referral-reason": "Tearful at booking-in; said she had not slept for days.",
            "referral-vulnerabilities": [
                str(Vulnerability.objects.get(code="mental-health").pk),
                str(Vulnerability.objects.get(code="alcohol").pk),
            ],
            "referral-urgency": "urgent",
            "referral-assigned_to": str(practitioner.pk),
        }
        for key, value in overrides.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return data

    return build
