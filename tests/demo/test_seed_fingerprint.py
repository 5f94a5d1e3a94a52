"""Seeding writes the same data however it is loaded (demo.bulk's COPY on PostgreSQL,
bulk_create elsewhere) and however fast: the same seed at the same moment gives the same
rows, so the benchmark keeps comparing like with like.

The fingerprint of each table is its row count and a hash of every row, ids replaced by
their rank in the table (the order rows were written) and foreign keys by their target's
rank, so it does not depend on where the database's sequences stand. The expected
fingerprints were taken from the seeding code before it was made faster (issue 20); a
deliberate change to what is seeded changes them: run this test, read the table names in
the failure, and update FINGERPRINTS in the same commit as the change.
"""

import datetime
import hashlib
import io

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from demo import bulk

pytestmark = pytest.mark.django_db

MOMENT = datetime.datetime(2026, 11, 30, 10, 15, tzinfo=datetime.UTC)
SKIPPED_APPS = {"admin", "auth", "contenttypes", "sessions", "django_celery_beat"}
# Differ on every run by design (salted hashes, random stored file names): not seeded content.
UNSTABLE_COLUMNS = {"password", "file"}

FINGERPRINTS: dict[str, tuple[int, str]] = {
    "accounts_auditevent": (22, "b075925ccb294d43"),
    "accounts_rolepolicy": (3, "ff3236f2a2744dc6"),
    "accounts_site": (12, "56b507ec4630b1c2"),
    "accounts_team": (6, "a1962ed5a853c78f"),
    "accounts_user": (15, "9814263ddb8c7ec5"),  # a column more: is_service_account (issue 19)
    "accounts_user_user_permissions": (28, "9bb39c46d2487dfb"),
    "assessments_assessment": (186, "e6a33255fbafde3d"),
    "assessments_consent": (322, "0c65257a1c58c154"),
    "assessments_instrumentresponse": (505, "0cb9bb3d2d6a7002"),
    "assessments_onwardreferral": (121, "19a5523a3f6886a3"),
    "assessments_screening": (285, "70594cff3bbaea01"),
    "contact_log_contact": (1349, "5f80de14b2848db7"),
    "contact_log_contactaddendum": (238, "57eefc4e01663025"),
    "contact_log_contactevent": (1349, "58c521c5d6f1d01e"),
    "documents_document": (18, "e8c3b42f1906a472"),
    "referrals_ethnicity": (20, "72d30e3315f8e240"),
    "referrals_offencecategory": (12, "b8237bb9ede34a7e"),
    "referrals_person": (300, "8f53295b861a9db1"),
    "referrals_personcontact": (60, "2a99556b2093e197"),
    "referrals_referral": (400, "7c3e717bdc3d99c3"),
    "referrals_referral_vulnerabilities": (650, "7d95f39f9a36edce"),
    "referrals_referralallocation": (268, "e97139e528a26a34"),
    "referrals_referralstatuschange": (1148, "752b46b9c06119da"),
    "referrals_vulnerability": (14, "cfad74c38a2a796c"),
    "risks_riskflag": (125, "6df6431501fc84bb"),
    "risks_riskflagevent": (125, "01d61b8ea8065bb8"),
    "treatment_requirements_appointment": (732, "44b57af94918580a"),
    "treatment_requirements_breachreferral": (12, "69217e0ff3532801"),
    "treatment_requirements_courtoutcome": (91, "e8e6df219a2d2e60"),
    "treatment_requirements_criterionconfirmation": (569, "149e0b004a45c563"),
    "treatment_requirements_failure": (39, "1706589cebb0f42b"),
    "treatment_requirements_formalwarning": (25, "479594d083c253f0"),
    "treatment_requirements_order": (61, "06403c6d43223bf2"),
    "treatment_requirements_orderallocation": (61, "518e0f2ff6f22b14"),
    "treatment_requirements_orderevent": (61, "1fd1ab7bfb3b53da"),
    "treatment_requirements_orderrequirement": (87, "29f4c7b168ca2359"),
    "treatment_requirements_proposedrequirement": (151, "641239ceae81c6b6"),
    "treatment_requirements_recommendation": (103, "7151e4fd38480968"),
}


def fingerprints() -> dict[str, tuple[int, str]]:
    """{table: (rows, hash)} for every table seeding wrote to."""
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label not in SKIPPED_APPS and m._meta.managed
    ]
    ranks = {m: _ranks(m) for m in models}
    result = {}
    for model in models:
        if not ranks[model]:
            continue
        digest = hashlib.sha256()
        fields = [f for f in model._meta.concrete_fields if f.attname not in UNSTABLE_COLUMNS]
        for row in model._base_manager.order_by("pk").values_list(*(f.attname for f in fields)):
            digest.update(repr(_normalised(fields, row, ranks)).encode())
        result[model._meta.db_table] = (len(ranks[model]), digest.hexdigest()[:16])
    return result


def _ranks(model) -> dict:
    pks = model._base_manager.order_by("pk").values_list("pk", flat=True)
    return {pk: rank for rank, pk in enumerate(pks)}


def _normalised(fields, row, ranks) -> tuple:
    values = []
    for field, value in zip(fields, row, strict=True):
        target = field.related_model if field.is_relation else None
        if field.primary_key:
            value = ranks[field.model].get(value, value)
        elif target is not None and value is not None:
            value = ("->", ranks.get(target._meta.concrete_model, {}).get(value, value))
        values.append(value)
    return tuple(values)


def _seed(referrals: int, seed: int) -> dict:
    _restart_sequences()
    with time_machine.travel(MOMENT, tick=False):
        call_command(
            "seed_demo", "--referrals", str(referrals), "--seed", str(seed), stdout=io.StringIO()
        )
    return fingerprints()


def _restart_sequences():
    """The id sequence of every empty table from 1, as in the new database the benchmark
    seeds: some seeded values follow from ids (an appointment's weekly slot from its
    order's id). Only empty tables (each test's transaction is rolled back): setval is not
    undone by a rollback, and a table holding rows must not be given their ids again."""
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if meta.managed and not model._base_manager.exists():
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), 1, false)",
                    [meta.db_table, meta.pk.column],
                )


def test_seed_demo_copy_path_writes_the_same_rows_as_before(postgres):
    assert _seed(400, 7) == FINGERPRINTS


def test_seed_demo_bulk_create_path_writes_the_same_rows_as_before(postgres, monkeypatch):
    monkeypatch.setattr(bulk, "is_postgresql", lambda: False)

    assert _seed(400, 7) == FINGERPRINTS
