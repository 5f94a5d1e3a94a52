"""Contact details and reminder preferences on the person (issue 18, item 1): a UK mobile
read as people type it and stored as 07xxxxxxxxx, a postcode in its standard form, the
channel the person agreed to needing its detail, consent recorded with when and by whom,
two officers at once, who may see and change them (the person's L&D team and the probation
officers of their orders), the audit trail, the subject access export and retention."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from referrals.contact_details import (
    mask_email,
    mask_mobile,
    normalise_postcode,
    normalise_uk_mobile,
)
from referrals.models import PersonContact
from referrals.subject_access import subject_access_export
from reporting.housekeeping import apply_retention
from tests.factories import PersonFactory, UserFactory
from tests.reporting.test_housekeeping import closed_referral
from tests.treatment_requirements.factories import (
    OrderFactory,
    ProbationOfficerFactory,
    ProviderTeamFactory,
)

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def _post(**overrides):
    data = {
        "version": "1",
        "mobile": "",
        "email": "",
        "address": "",
        "postcode": "",
        "language": "en",
        "reminders": "not_asked",
        "channel": "",
        "safe_to_leave_messages": "unknown",
    }
    data.update(overrides)
    return data


@pytest.fixture
def order(db):
    return OrderFactory()


@pytest.fixture
def person(order):
    return order.person


@pytest.fixture
def officer_client(client, order):
    client.force_login(order.responsible_officer)
    return client


def _url(person):
    return reverse("referrals:person_contact", args=[person.pk])


@pytest.mark.parametrize(
    "typed",
    [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)7700 900123",
        "0044 7700-900123",
        " 077 0090 0123 ",
    ],
)
def test_uk_mobile_typed_as_people_write_it_is_stored_as_eleven_digits(typed):
    assert normalise_uk_mobile(typed) == "07700900123"


@pytest.mark.parametrize(
    "typed", ["01223 123456", "0770090012", "077009001234", "+33 6 12 34 56 78", "seven", ""]
)
def test_not_a_uk_mobile_is_refused(typed):
    assert normalise_uk_mobile(typed) is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("CB2 1TN", "CB2 1TN"),
        (" m1 1ae ", "M1 1AE"),
        ("cf10 1ep", "CF10 1EP"),
    ],
)
def test_postcode_is_stored_in_its_standard_form(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["CB2", "12345", "SW1A 1A", "ZZZZ 1AA"])
def test_not_a_postcode_is_refused(typed):
    assert normalise_postcode(typed) is None


def test_masks_show_enough_to_recognise_and_not_to_copy():
    assert mask_mobile("07700900123") == "07*** ***123"
    assert mask_email("alex.example@example.com") == "a***@example.com"


def test_officer_of_the_order_saves_details_and_the_mobile_is_normalised(officer_client, person):
    officer = person.orders.get().responsible_officer
    response = officer_client.post(
        _url(person),
        _post(
            mobile="+44 7700 900123",
            email="alex@example.com",
            address="1 Mill Road\nCambridge",
            postcode="cb1 2ab",
            language="cy",
            reminders="agreed",
            channel="sms",
            safe_to_leave_messages="no",
        ),
    )

    assert response.status_code == 302
    contact = PersonContact.objects.get(person=person)
    assert (contact.mobile, contact.postcode, contact.language) == ("07700900123", "CB1 2AB", "cy")
    assert (contact.reminders, contact.channel) == ("agreed", "sms")
    assert contact.safe_to_leave_messages is False
    assert contact.consent_recorded_by == officer
    page = officer_client.get(reverse("referrals:person_detail", args=[person.pk]))
    assert "07700900123" in page.content.decode()
    assert _url(person) in page.content.decode()


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"reminders": "agreed"}, "channel", "Select how to send reminders"),
        ({"reminders": "agreed", "channel": "sms"}, "mobile", "Enter a mobile phone number"),
        ({"reminders": "agreed", "channel": "email"}, "email", "Enter an email address"),
        (
            {"reminders": "agreed", "channel": "letter", "postcode": "CB1 2AB"},
            "address",
            "Enter the postal address",
        ),
        (
            {"reminders": "agreed", "channel": "letter", "address": "1 Mill Road"},
            "postcode",
            "Enter the postcode",
        ),
        ({"mobile": "01223 123456"}, "mobile", "Enter a UK mobile phone number"),
        ({"postcode": "CB1"}, "postcode", "Enter a real postcode"),
        ({"email": "alex@"}, "email", "Enter an email address in the correct format"),
    ],
)
def test_a_channel_needs_its_detail_and_details_must_be_real(
    officer_client, person, answers, field, message
):
    response = officer_client.post(_url(person), _post(**answers))

    assert response.status_code == 400
    assert response.context["form"].errors[field][0].startswith(message)
    assert not PersonContact.objects.filter(person=person).exists()


def test_declined_keeps_no_channel(officer_client, person):
    officer_client.post(
        _url(person), _post(mobile="07700900123", reminders="declined", channel="sms")
    )

    contact = PersonContact.objects.get(person=person)
    assert (contact.reminders, contact.channel, contact.mobile) == ("declined", "", "07700900123")


def test_consent_is_recorded_on_the_london_date_only_when_the_answer_changes(client, person):
    officer = person.orders.get().responsible_officer
    colleague = ProbationOfficerFactory(team=officer.team)
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    with time_machine.travel(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)):
        client.force_login(officer)
        client.post(_url(person), _post(mobile="07700900123", reminders="agreed", channel="sms"))
    contact = PersonContact.objects.get(person=person)
    assert contact.consent_recorded_on == datetime.date(2026, 7, 1)

    with time_machine.travel(datetime.datetime(2026, 7, 8, 9, 0, tzinfo=LONDON)):
        client.force_login(colleague)
        client.post(
            _url(person),
            _post(version="2", mobile="07700900999", reminders="agreed", channel="sms"),
        )
    contact.refresh_from_db()
    assert (contact.mobile, contact.consent_recorded_on) == (
        "07700900999",
        datetime.date(2026, 7, 1),
    )
    assert contact.consent_recorded_by == officer

    with time_machine.travel(datetime.datetime(2026, 7, 9, 9, 0, tzinfo=LONDON)):
        client.force_login(colleague)
        client.post(_url(person), _post(version="3", reminders="declined"))
    contact.refresh_from_db()
    assert (contact.reminders, contact.consent_recorded_on) == (
        "declined",
        datetime.date(2026, 7, 9),
    )
    assert contact.consent_recorded_by == colleague


def test_two_officers_at_once_the_second_save_is_refused(client, person):
    officer = person.orders.get().responsible_officer
    colleague = ProbationOfficerFactory(team=officer.team)
    client.force_login(officer)
    client.post(_url(person), _post(mobile="07700900123"))
    client.force_login(colleague)

    # The colleague opened the page before the first save: their version is 1.
    response = client.post(_url(person), _post(version="1", mobile="07700900999"))

    assert response.status_code == 409
    assert PersonContact.objects.get(person=person).mobile == "07700900123"


def test_first_saves_at_once_the_second_is_refused(client, person):
    officer = person.orders.get().responsible_officer
    client.force_login(officer)
    client.post(_url(person), _post(email="first@example.com"))

    response = client.post(_url(person), _post(version="1", email="second@example.com"))

    assert response.status_code == 409
    assert PersonContact.objects.get(person=person).email == "first@example.com"


def test_the_pages_are_audited_with_ids_only(officer_client, person):
    officer_client.get(_url(person))
    officer_client.post(_url(person), _post(mobile="07700 900123"))

    entries = AuditEvent.objects.filter(person_id=person.pk).order_by("pk")
    viewed = entries.filter(action=AuditAction.VIEW, detail="contact details")
    changed = entries.filter(action=AuditAction.CHANGE, object_type="referrals.personcontact")
    assert viewed.count() == 1
    assert changed.count() == 1
    assert "0770" not in " ".join(entries.values_list("detail", flat=True))


def test_probation_officer_of_another_team_can_neither_see_nor_change(client, person):
    stranger = ProbationOfficerFactory()
    OrderFactory(responsible_officer=stranger)  # a caseload of their own
    PersonContact.objects.create(person=person, mobile="07700900123")
    client.force_login(stranger)

    assert client.get(_url(person)).status_code == 404
    assert client.post(_url(person), _post(mobile="07700900999")).status_code == 404
    assert PersonContact.objects.get(person=person).mobile == "07700900123"


def test_the_persons_l_and_d_team_may_change_and_a_provider_may_not(client, person):
    practitioner = UserFactory(role=Role.PRACTITIONER, team=person.team)
    client.force_login(practitioner)
    assert client.get(_url(person)).status_code == 200

    clinician = UserFactory(role=Role.PROVIDER_CLINICIAN, team=ProviderTeamFactory())
    client.force_login(clinician)
    assert client.get(_url(person)).status_code == 403
    page = client.get(reverse("referrals:person_detail", args=[person.pk]))
    assert "Contact details and reminders" not in page.content.decode()


def test_subject_access_export_includes_the_contact_details(person):
    PersonContact.objects.create(person=person, mobile="07700900123", email="alex@example.com")

    export = subject_access_export(person=person)

    sections = {section["model"]: section for section in export["sections"]}
    row = sections["referrals.PersonContact"]["rows"][0]
    assert (row["mobile"], row["email"]) == ("07700900123", "alex@example.com")


def test_retention_wipes_an_anonymised_persons_contact_details(settings):
    settings.LD_RETENTION_YEARS = 8
    old = closed_referral(PersonFactory(), 9).person
    kept = closed_referral(PersonFactory(), 2).person
    for someone in (old, kept):
        PersonContact.objects.create(
            person=someone,
            mobile="07700900123",
            email="alex@example.com",
            address="1 Mill Road",
            postcode="CB1 2AB",
        )

    assert apply_retention() == 1

    wiped = PersonContact.objects.get(person=old)
    assert (wiped.mobile, wiped.email, wiped.address, wiped.postcode) == ("", "", "", "")
    assert PersonContact.objects.get(person=kept).mobile == "07700900123"
