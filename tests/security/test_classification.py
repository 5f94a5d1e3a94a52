"""Every field of every model in the project's own apps has a data classification.

When this fails, add the listed fields to FIELDS in their app's classification.py (beside
its models.py) with the class that fits (accounts/classification.py's docstring explains
each class). Do not pick OPERATIONAL or AGGREGATE_SAFE for anything that could identify a
person or describe their health or offending: those two classes may reach commissioners'
figures.
"""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from accounts.classification import (
    ANONYMISED_TEXT,
    FIELD_CLASSES,
    PROJECT_APPS,
    DataClass,
    anonymise_values,
    autodiscover,
    classification_of,
    fields_of_class,
    is_safe_for_commissioners,
    scrubbed_field_names,
    stale_entries,
    unclassified_fields,
)
from accounts.models import AuditEvent, User
from referrals.models import Person, Referral

# Apps still being built in parallel: a field they add or rename is reported (XFAIL) but
# does not fail the suite until issue 7's second pass, when this set is emptied.
PENDING_APPS: set[str] = set()  # every app is classified (issue 7 second pass, 21:10)
APPS = [
    pytest.param(
        label,
        marks=pytest.mark.xfail(
            reason=f"{label} is still being built (issue 7 second pass)", strict=False
        ),
    )
    if label in PENDING_APPS
    else label
    for label in PROJECT_APPS
]


@pytest.mark.parametrize("app_label", APPS)
def test_every_model_field_has_a_classification(app_label):
    missing = unclassified_fields([app_label])

    assert not missing, (
        f"{len(missing)} model field(s) have no data classification. Add each to FIELDS in "
        f"{app_label}/classification.py:\n  " + "\n  ".join(missing)
    )


@pytest.mark.parametrize("app_label", APPS)
def test_classification_registry_names_only_existing_fields(app_label):
    stale = [key for key in stale_entries() if key.startswith(f"{app_label}.")]

    assert not stale, "Registry entries for fields that no longer exist:\n  " + "\n  ".join(stale)


def test_each_app_classifies_its_fields_beside_its_models():
    for label in PROJECT_APPS:
        config = apps.get_app_config(label)
        declared = {key for key in FIELD_CLASSES if key.startswith(f"{label}.")}
        if not list(config.get_models()):
            assert not declared, label
            continue
        module = importlib.import_module(f"{config.name}.classification")

        assert set(module.FIELDS) == declared, label


def test_an_app_may_not_classify_another_apps_fields(monkeypatch):
    from referrals import classification as referrals_classification

    monkeypatch.setitem(
        referrals_classification.FIELDS, "risks.RiskFlag.note", DataClass.OPERATIONAL
    )

    with pytest.raises(ImproperlyConfigured, match="referrals.classification classifies risks"):
        autodiscover()
    assert FIELD_CLASSES["risks.RiskFlag.note"] == DataClass.FREE_TEXT


@pytest.mark.parametrize("app_label", APPS)
def test_every_model_can_be_anonymised(app_label):
    for model in apps.get_app_config(app_label).get_models():
        values = anonymise_values(model)

        expected = fields_of_class(model, DataClass.DIRECT_IDENTIFIER, DataClass.FREE_TEXT)
        many_to_many = {f.name for f in model._meta.many_to_many}
        assert {model._meta.get_field(name).name for name in values} == (
            set(expected) - many_to_many
        ), model


def test_people_identifiers_are_never_safe_for_commissioners():
    for field in ("given_name", "family_name", "date_of_birth", "nhs_number", "pnc_id"):
        assert classification_of(Person, field) == DataClass.DIRECT_IDENTIFIER
        assert not is_safe_for_commissioners(Person, field)


def test_referral_reason_and_needs_are_not_safe_for_commissioners():
    assert not is_safe_for_commissioners(Referral, "reason")
    assert not is_safe_for_commissioners(Referral, "vulnerabilities")
    assert is_safe_for_commissioners(Referral, "source")


def test_unclassified_field_raises_naming_the_field():
    with pytest.raises(ImproperlyConfigured, match="referrals.Person.shoe_size"):
        classification_of(Person, "shoe_size")


def test_fields_of_class_lists_fields_in_model_order():
    assert fields_of_class(Referral, DataClass.FREE_TEXT) == ["reason"]
    assert fields_of_class(User, DataClass.SECRET) == ["password"]


def test_anonymise_values_blanks_every_identifier_and_free_text_of_a_person():
    values = anonymise_values(Person)

    assert set(values) == set(
        fields_of_class(Person, DataClass.DIRECT_IDENTIFIER, DataClass.FREE_TEXT)
    )
    assert values["nhs_number"] is None
    assert values["given_name"] == ANONYMISED_TEXT
    assert values["other_names"] == ""
    assert values["date_of_birth"] == datetime.date(1900, 1, 1)


def test_anonymise_values_keeps_aggregate_fields_for_reporting():
    values = anonymise_values(Referral)

    assert set(values) == {"referrer_name", "case_reference", "reason"}


@pytest.mark.django_db
def test_anonymise_values_can_be_saved_and_leave_no_identifier(practitioner):
    from tests.factories import ReferralFactory

    referral = ReferralFactory(person__given_name="Quentin", person__family_name="Zebedee")
    person = referral.person
    for name, value in anonymise_values(Person).items():
        setattr(person, name, value)
    person.save()
    Referral.objects.filter(pk=referral.pk).update(**anonymise_values(Referral))

    person.refresh_from_db()
    referral.refresh_from_db()
    stored = " ".join(str(getattr(person, f.attname)) for f in Person._meta.concrete_fields)
    assert "Quentin" not in stored
    assert "Zebedee" not in stored
    assert referral.reason == ANONYMISED_TEXT


def test_anonymise_values_refuses_a_field_it_cannot_blank(monkeypatch):
    monkeypatch.setitem(FIELD_CLASSES, "accounts.AuditEvent.at", DataClass.DIRECT_IDENTIFIER)
    monkeypatch.setitem(FIELD_CLASSES, "accounts.AuditEvent.user", DataClass.DIRECT_IDENTIFIER)

    values = anonymise_values(AuditEvent)

    assert values["user_id"] is None  # nullable foreign key: blanked
    monkeypatch.setitem(FIELD_CLASSES, "accounts.AuditEvent.person_id", DataClass.DIRECT_IDENTIFIER)
    monkeypatch.setitem(FIELD_CLASSES, "accounts.AuditEvent.id", DataClass.DIRECT_IDENTIFIER)
    with pytest.raises(ImproperlyConfigured, match="accounts.AuditEvent.id"):
        anonymise_values(AuditEvent)


def test_scrubbed_field_names_cover_identifiers_and_free_text_but_not_operational():
    names = scrubbed_field_names()

    assert {"given_name", "nhs_number", "reason", "password", "email"} <= names
    assert "status" not in names
