"""A team's bank holidays (England and Wales, Scotland, Northern Ireland): chosen when the team
is added, changed on its administration screen with a history row, read by its bookings and
working days (tests/treatment_requirements/test_booking_checks.py)."""

import pytest
from django.urls import reverse

from accounts.enums import AccountChangeKind, AuditAction, BankHolidays, TeamKind
from accounts.models import Team
from core.concurrency import STALE_EDIT_MESSAGE
from tests.factories import TeamFactory

from .helpers import audits

pytestmark = pytest.mark.django_db


def test_a_team_works_to_england_and_wales_unless_told_otherwise(administrator_client):
    administrator_client.post(
        reverse("accounts:admin_team_create"),
        {"name": "Norfolk probation", "kind": TeamKind.PROBATION},
    )
    administrator_client.post(
        reverse("accounts:admin_team_create"),
        {"name": "Lothian", "kind": TeamKind.PROBATION, "bank_holidays": BankHolidays.SCOTLAND},
    )

    chosen = dict(Team.objects.values_list("name", "bank_holidays"))
    assert chosen["Norfolk probation"] == BankHolidays.ENGLAND_AND_WALES
    assert chosen["Lothian"] == BankHolidays.SCOTLAND


def test_admin_changes_a_teams_bank_holidays_and_the_history_says_so(administrator_client, admin):
    team = TeamFactory(name="Belfast probation", kind=TeamKind.PROBATION)
    other = TeamFactory(name="Newry probation", kind=TeamKind.PROBATION)
    detail = administrator_client.get(reverse("accounts:admin_team_detail", args=[team.pk]))
    assert "England and Wales" in detail.content.decode()

    response = administrator_client.post(
        reverse("accounts:admin_team_bank_holidays", args=[team.pk]),
        {"bank_holidays": BankHolidays.NORTHERN_IRELAND, "reason": "Set up wrongly", "version": 1},
    )

    assert response.status_code == 302
    team.refresh_from_db()
    other.refresh_from_db()
    assert (team.bank_holidays, team.version) == (BankHolidays.NORTHERN_IRELAND, 2)
    assert other.bank_holidays == BankHolidays.ENGLAND_AND_WALES
    assert list(team.changes.values_list("what", "before", "after", "reason")) == [
        (AccountChangeKind.BANK_HOLIDAYS, "England and Wales", "Northern Ireland", "Set up wrongly")
    ]
    assert audits(admin, action=AuditAction.CHANGE)[-1][1:] == (
        "accounts.team",
        str(team.pk),
        "team bank holidays: northern_ireland",
    )
    page = administrator_client.get(reverse("accounts:admin_team_detail", args=[team.pk]))
    assert "Northern Ireland" in page.content.decode()


def test_choosing_the_same_bank_holidays_or_a_stale_page_changes_nothing(administrator_client):
    team = TeamFactory(name="Leeds probation", kind=TeamKind.PROBATION)
    url = reverse("accounts:admin_team_bank_holidays", args=[team.pk])
    data = {"reason": "Checking", "version": 1}

    same = administrator_client.post(url, data | {"bank_holidays": BankHolidays.ENGLAND_AND_WALES})
    unknown = administrator_client.post(url, data | {"bank_holidays": "wales"})
    administrator_client.post(url, data | {"bank_holidays": BankHolidays.SCOTLAND})
    stale = administrator_client.post(url, data | {"bank_holidays": BankHolidays.NORTHERN_IRELAND})

    assert same.status_code == 400
    assert same.context["form"].errors["bank_holidays"] == [
        "Choose different bank holidays, or cancel"
    ]
    assert unknown.status_code == 400
    assert stale.status_code == 409
    assert STALE_EDIT_MESSAGE in stale.content.decode()
    team.refresh_from_db()
    assert team.bank_holidays == BankHolidays.SCOTLAND


def test_only_administrators_change_a_teams_bank_holidays(client, practitioner):
    team = TeamFactory(name="York probation", kind=TeamKind.PROBATION)
    client.force_login(practitioner)

    response = client.post(
        reverse("accounts:admin_team_bank_holidays", args=[team.pk]),
        {"bank_holidays": BankHolidays.SCOTLAND, "reason": "x", "version": 1},
    )

    assert response.status_code == 403
    team.refresh_from_db()
    assert team.bank_holidays == BankHolidays.ENGLAND_AND_WALES
