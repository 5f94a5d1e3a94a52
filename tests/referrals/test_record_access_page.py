"""The "Access to this record" page: the team leads of a team holding a person name staff
on the person's exclusion or restriction list, with a reason, and take them off again."""

import pytest
from django.urls import reverse

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from referrals.enums import RecordAccessKind
from referrals.models import RecordAccess
from tests.factories import PersonFactory, ReferralFactory, SiteFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    team_a, team_b, team_c = (TeamFactory(name=f"Access {x}") for x in "ABC")
    kit = PersonFactory(team=team_a, family_name="Quarrendon")
    ReferralFactory(person=kit, site=SiteFactory(team=team_a))
    ReferralFactory(person=kit, site=SiteFactory(team=team_a))
    ReferralFactory(person=kit, team=team_b, site=SiteFactory(team=team_b))
    return {
        "kit": kit,
        "pat": UserFactory(team=team_a),
        "col": UserFactory(team=team_a),
        "lead": UserFactory(team=team_a, role=Role.TEAM_LEAD),
        "lead_b": UserFactory(team=team_b, role=Role.TEAM_LEAD),
        "lead_c": UserFactory(team=team_c, role=Role.TEAM_LEAD),
    }


def _page(world):
    return reverse("referrals:record_access", args=[world["kit"].pk])


def _add(client, world, who, kind=RecordAccessKind.EXCLUDED, reason="Knows them socially"):
    return client.post(_page(world), {"kind": kind, "user": world[who].pk, "reason": reason})


@pytest.mark.parametrize(
    ("who", "status"), [("lead", 200), ("lead_b", 200), ("pat", 403), ("lead_c", 404)]
)
def test_team_leads_of_a_team_holding_the_person_manage_access(client, world, who, status):
    client.force_login(world[who])

    response = client.get(_page(world))

    assert response.status_code == status
    person_page = client.get(reverse("referrals:person_detail", args=[world["kit"].pk]))
    assert ("Access to this record" in person_page.content.decode()) is (status == 200)


def test_adding_an_exclusion_needs_a_reason_and_is_audited_by_id(client, world):
    client.force_login(world["lead"])

    refused = _add(client, world, "pat", reason="")
    added = _add(client, world, "pat")
    again = _add(client, world, "pat")  # a second submit: Pat is no longer offered

    assert (refused.status_code, added.status_code, again.status_code) == (400, 302, 400)
    assert "Enter why" in refused.content.decode()
    assert list(RecordAccess.objects.values_list("user_id", "kind")) == [
        (world["pat"].pk, RecordAccessKind.EXCLUDED)
    ]
    audit = AuditEvent.objects.get(action=AuditAction.CHANGE, person_id=world["kit"].pk)
    assert audit.detail == f"access excluded user {world['pat'].pk} added"
    page = client.get(_page(world)).content.decode()
    assert world["pat"].display_name in page and "Knows them socially" in page


def test_restricting_names_the_lead_too_so_they_keep_access(client, world):
    client.force_login(world["lead"])

    _add(client, world, "col", kind=RecordAccessKind.ALLOWED)

    allowed = RecordAccess.objects.filter(kind=RecordAccessKind.ALLOWED)
    assert set(allowed.values_list("user_id", flat=True)) == {world["col"].pk, world["lead"].pk}
    assert client.get(_page(world)).status_code == 200
    client.force_login(world["pat"])
    assert client.get(reverse("referrals:person_detail", args=[world["kit"].pk])).status_code == 404


def test_removing_is_idempotent(client, world):
    client.force_login(world["lead"])
    _add(client, world, "pat")
    entry = RecordAccess.objects.get()
    remove = reverse("referrals:record_access_remove", args=[world["kit"].pk, entry.pk])

    first, second = client.post(remove), client.post(remove)

    assert (first.status_code, second.status_code) == (302, 302)
    assert not RecordAccess.objects.exists()
    removed = AuditEvent.objects.filter(detail__endswith="removed")
    assert list(removed.values_list("detail", flat=True)) == [
        f"access excluded user {world['pat'].pk} removed"
    ]
    client.force_login(world["pat"])
    assert client.get(reverse("referrals:person_detail", args=[world["kit"].pk])).status_code == 200


def test_a_lead_who_takes_themselves_off_a_restriction_loses_the_record(client, world):
    client.force_login(world["lead"])
    _add(client, world, "col", kind=RecordAccessKind.ALLOWED)
    own = RecordAccess.objects.get(user=world["lead"])

    response = client.post(
        reverse("referrals:record_access_remove", args=[world["kit"].pk, own.pk])
    )

    assert response.status_code == 302 and response["Location"] == reverse("referrals:my_work")
    assert client.get(_page(world)).status_code == 404


def test_an_entry_of_another_person_cannot_be_removed_through_this_one(client, world):
    other = PersonFactory(team=world["pat"].team)
    ReferralFactory(person=other, site=SiteFactory(team=world["pat"].team))
    entry = RecordAccess.objects.create(
        person=other, user=world["pat"], kind="excluded", reason="x", added_by=world["lead"]
    )
    client.force_login(world["lead"])

    client.post(reverse("referrals:record_access_remove", args=[world["kit"].pk, entry.pk]))

    assert RecordAccess.objects.filter(pk=entry.pk).exists()
