"""Identifiers typed in full-width or other scripts' digits (issue 12, item 11).

They are folded to ASCII before any check, so they are stored in ASCII and cannot slip past
duplicate detection at intake or be missed by search.
"""

import pytest
from django.urls import reverse

from referrals.models import Person, Referral
from tests.factories import PersonFactory, ReferralFactory
from tests.privacy import without_search_token

INTAKE = reverse("referrals:intake")
LIST = reverse("referrals:referral_list")

NHS_FULL_WIDTH = "９４３ ４７６ ５９１９"
NHS_ARABIC_INDIC = "٩٤٣٤٧٦٥٩١٩"
NHS_EASTERN_ARABIC_INDIC = "۹۴۳۴۷۶۵۹۱۹"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", [NHS_FULL_WIDTH, NHS_ARABIC_INDIC, NHS_EASTERN_ARABIC_INDIC])
def test_intake_finds_the_ascii_nhs_number_typed_in_other_digits(
    practitioner_client, intake_data, team, typed
):
    existing = PersonFactory(team=team, nhs_number="9434765919", family_name="Existing")
    PersonFactory(team=team, nhs_number="4010232137", family_name="Other")

    response = practitioner_client.post(
        INTAKE, intake_data(**{"person-nhs_number": typed, "person-pnc_id": ""})
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "A person with this NHS number is already recorded" in body
    assert reverse("referrals:person_detail", args=[existing.pk]) in body
    assert Person.objects.count() == 2 and not Referral.objects.exists()


def test_intake_stores_an_nhs_number_typed_in_full_width_digits_in_ascii(
    practitioner_client, intake_data
):
    first = practitioner_client.post(
        INTAKE, intake_data(**{"person-nhs_number": NHS_FULL_WIDTH, "person-pnc_id": ""})
    )
    second = practitioner_client.post(
        INTAKE,
        intake_data(
            **{
                "person-nhs_number": NHS_ARABIC_INDIC,
                "person-pnc_id": "",
                "person-given_name": "Someone",
                "person-family_name": "Else",
                "referral-case_reference": "CUST/26/000999",
            }
        ),
    )

    assert first.status_code == 302
    assert list(Person.objects.values_list("nhs_number", flat=True)) == ["9434765919"]
    assert second.status_code == 400
    assert "A person with this NHS number is already recorded" in second.content.decode()


def test_intake_stores_pnc_id_and_cro_number_typed_in_full_width_in_ascii(
    practitioner_client, intake_data
):
    response = practitioner_client.post(
        INTAKE,
        intake_data(
            **{
                "person-pnc_id": "２００８／００５６５６０ｚ",
                "person-cro_number": "２６５４１６／２１Ｇ",
            }
        ),
    )

    assert response.status_code == 302
    assert list(Person.objects.values_list("pnc_id", "cro_number")) == [
        ("2008/0056560Z", "265416/21G")
    ]


def _search(client, text):
    response = client.post(LIST, {"q": text})
    assert response.status_code == 302, response.content.decode()[:500]
    return client.get(response["Location"]).content.decode(), response["Location"]


@pytest.mark.parametrize(
    "typed", [NHS_FULL_WIDTH, NHS_ARABIC_INDIC, NHS_EASTERN_ARABIC_INDIC, "９４３４７６５９１９"]
)
def test_search_by_nhs_number_in_other_digits_finds_the_person(
    practitioner_client, team, site, typed
):
    wanted = PersonFactory(team=team, nhs_number="9434765919", family_name="Wanted")
    for person in (wanted, wanted, PersonFactory(team=team, family_name="Unwanted")):
        ReferralFactory(person=person, site=site)

    body, location = _search(practitioner_client, typed)

    assert body.count("WANTED") == 2 and "UNWANTED" not in body
    assert "943" not in without_search_token(location) and "٩" not in location


def test_search_by_pnc_id_in_full_width_finds_the_person(practitioner_client, team, site):
    ReferralFactory(person=PersonFactory(team=team, family_name="Wanted", pnc_id="2008/0056560Z"))
    ReferralFactory(person=PersonFactory(team=team, family_name="Unwanted"), site=site)

    body, _ = _search(practitioner_client, "０８／５６５６０ｚ")

    assert "WANTED" in body and "UNWANTED" not in body


def test_migration_folds_identifiers_saved_in_other_digits_unless_another_holds_them(team):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("referrals.migrations.0005_fold_identifier_digits_to_ascii")
    holder = PersonFactory(team=team, nhs_number="4010232137")
    full_width = PersonFactory(team=team)
    arabic = PersonFactory(team=team)
    clash = PersonFactory(team=team)
    plain = PersonFactory(team=team, pnc_id="2008/0056560Z")
    Person.objects.filter(pk=full_width.pk).update(
        nhs_number="９４３４７６５９１９",
        pnc_id="1979/０１６３００１B",
        cro_number="２６５４１６/２１G",
    )
    Person.objects.filter(pk=arabic.pk).update(nhs_number="٦٤٨٥٣٢٤٦٨٣")
    Person.objects.filter(pk=clash.pk).update(nhs_number="４０１０２３２１３７")

    migration.fold_identifiers(apps, None)

    people = [holder, full_width, arabic, clash, plain]
    rows = Person.objects.in_bulk([p.pk for p in people])
    assert [(rows[p.pk].nhs_number, rows[p.pk].pnc_id, rows[p.pk].cro_number) for p in people] == [
        ("4010232137", None, None),
        ("9434765919", "1979/0163001B", "265416/21G"),
        ("6485324683", None, None),
        ("４０１０２３２１３７", None, None),
        (plain.nhs_number, "2008/0056560Z", None),
    ]
