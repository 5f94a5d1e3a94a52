"""Restricted records: a person's exclusion list (named staff who must not see them) and
restriction list (only named staff may see them), applied by the access policy to every
page, list, search and reminder; kept by the team leads of a team holding the person on
the "Access to this record" page.

Two L&D teams; Kit has two referrals in team A and one in team B, Lou two in team A.
"""

import datetime

import pytest
from django.urls import reverse

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from notifications.enums import ReminderKind
from notifications.models import Reminder
from notifications.services import ReminderSpec, reminders_create
from referrals.enums import RecordAccessKind
from referrals.models import RecordAccess
from tests.factories import PersonFactory, ReferralFactory, SiteFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("referrals:referral_list")
MY_WORK = reverse("referrals:my_work")


@pytest.fixture
def world():
    team_a, team_b = TeamFactory(name="Restricted A"), TeamFactory(name="Restricted B")
    site_a, site_b = SiteFactory(team=team_a), SiteFactory(team=team_b)
    staff = {
        "pat": UserFactory(team=team_a),  # knows Kit: to be excluded
        "col": UserFactory(team=team_a),  # Pat's colleague
        "lead": UserFactory(team=team_a, role=Role.TEAM_LEAD),
        "bea": UserFactory(team=team_b),
        "bob": UserFactory(team=team_b, role=Role.TEAM_LEAD),
    }
    kit = PersonFactory(team=team_a, given_name="Kit", family_name="Quarrendon")
    lou = PersonFactory(team=team_a, given_name="Lou", family_name="Quillfeather")
    refs = {
        "kit1": ReferralFactory(person=kit, site=site_a, assigned_to=staff["pat"]),
        "kit2": ReferralFactory(person=kit, site=site_a, assigned_to=staff["col"]),
        "kit_b": ReferralFactory(person=kit, site=site_b, team=team_b),
        "lou1": ReferralFactory(person=lou, site=site_a, assigned_to=staff["pat"]),
        "lou2": ReferralFactory(person=lou, site=site_a),
    }
    return {"staff": staff, "kit": kit, "lou": lou, "refs": refs}


def _name(world, person, who, kind, by="lead"):
    return RecordAccess.objects.create(
        person=world[person],
        user=world["staff"][who],
        kind=kind,
        reason="Knows them",
        added_by=world["staff"][by],
    )


def _as(client, world, who):
    client.force_login(world["staff"][who])
    return client


def _listed(client, url=LIST):
    body = client.get(url).content.decode().upper()  # lists show family names in capitals
    return {name for name in ("Quarrendon", "Quillfeather") if name.upper() in body}


def _search(client, text):
    response = client.post(LIST, {"q": text})
    return client.get(response["Location"]).content.decode()


def test_excluded_practitioner_loses_the_person_everywhere_a_colleague_keeps_them(client, world):
    refs = world["refs"]
    pages = [
        reverse("referrals:person_detail", args=[world["kit"].pk]),
        reverse("referrals:referral_detail", args=[refs["kit1"].pk]),
        reverse("referrals:referral_detail", args=[refs["kit2"].pk]),
        reverse("risks:register", args=[world["kit"].pk]),
    ]
    assert {client.get(p).status_code for p in pages} <= {302}  # signed out
    assert _listed(_as(client, world, "pat")) == {"Quarrendon", "Quillfeather"}
    _name(world, "kit", "pat", RecordAccessKind.EXCLUDED)

    assert [client.get(page).status_code for page in pages] == [404] * 4
    assert _listed(client) == {"Quillfeather"}
    assert _listed(client, MY_WORK) == {"Quillfeather"}  # Kit's referral assigned to Pat
    # The search box shows what was typed: the result rows are known by their references.
    assert refs["kit2"].reference not in _search(client, "Quarrendon")
    assert refs["lou2"].reference in _search(client, "Quillfeather")
    for colleague in ("col", "lead"):
        _as(client, world, colleague)
        assert [client.get(page).status_code for page in pages] == [200] * 4
        assert _listed(client) == {"Quarrendon", "Quillfeather"}
        assert refs["kit2"].reference in _search(client, "Quarrendon")


def test_exclusion_is_by_name_not_by_team(client, world):
    """Pat excluded from Kit: team B still sees Kit's referral there, Pat still sees Lou."""
    _name(world, "kit", "pat", RecordAccessKind.EXCLUDED)

    _as(client, world, "bea")
    assert client.get(reverse("referrals:person_detail", args=[world["kit"].pk])).status_code == 200
    assert _listed(client) == {"Quarrendon"}
    _as(client, world, "pat")
    assert client.get(reverse("referrals:person_detail", args=[world["lou"].pk])).status_code == 200


def test_restricted_person_is_seen_only_by_the_named_staff(client, world):
    _name(world, "lou", "col", RecordAccessKind.ALLOWED)
    _name(world, "lou", "lead", RecordAccessKind.ALLOWED)
    lou_page = reverse("referrals:person_detail", args=[world["lou"].pk])
    kit_page = reverse("referrals:person_detail", args=[world["kit"].pk])

    for who, status in {"pat": 404, "col": 200, "lead": 200}.items():
        _as(client, world, who)
        assert client.get(lou_page).status_code == status, who
        assert client.get(kit_page).status_code == 200, who  # Kit is not restricted
        assert ("Quillfeather" in _listed(client)) is (status == 200), who


def test_naming_someone_on_the_list_gives_no_access_beyond_their_scope(client, world):
    """A restriction narrows who sees the record; it never opens it to another team."""
    _name(world, "lou", "bea", RecordAccessKind.ALLOWED)

    _as(client, world, "bea")
    assert client.get(reverse("referrals:person_detail", args=[world["lou"].pk])).status_code == 404


def test_refusals_are_audited_with_the_reason_and_no_personal_data(client, world):
    _name(world, "kit", "pat", RecordAccessKind.EXCLUDED)
    _name(world, "lou", "col", RecordAccessKind.ALLOWED)
    _as(client, world, "pat")

    client.get(reverse("referrals:referral_detail", args=[world["refs"]["kit1"].pk]))
    client.get(reverse("referrals:referral_detail", args=[world["refs"]["lou2"].pk]))
    client.get(reverse("referrals:referral_detail", args=[999_999]))

    details = list(
        AuditEvent.objects.filter(user=world["staff"]["pat"], action=AuditAction.REFUSED)
        .order_by("id")
        .values_list("detail", flat=True)
    )
    assert details == [
        "view referral excluded",
        "view referral restricted",
        "view referral out of scope or missing",
    ]


def _spec(world, ref, who):
    referral = world["refs"][ref]
    return ReminderSpec(
        kind=ReminderKind.REFERRAL_NOT_SCREENED,
        subject_type="referrals.referral",
        subject_id=referral.pk,
        due_on=datetime.date(2026, 1, 5),
        recipient_id=world["staff"][who].pk,
        title=f"Referral {referral.reference} screening overdue",
    )


def test_no_reminder_about_a_hidden_person(world):
    _name(world, "kit", "pat", RecordAccessKind.EXCLUDED)
    _name(world, "lou", "col", RecordAccessKind.ALLOWED)
    specs = [
        _spec(world, "kit1", "pat"),  # excluded: dropped
        _spec(world, "kit2", "col"),
        _spec(world, "lou1", "pat"),  # restricted to Col: dropped
        _spec(world, "lou2", "col"),
    ]

    assert reminders_create(specs=specs) == 2
    assert set(Reminder.objects.values_list("recipient_id", "subject_id")) == {
        (world["staff"]["col"].pk, world["refs"]["kit2"].pk),
        (world["staff"]["col"].pk, world["refs"]["lou2"].pk),
    }


def test_the_hidden_people_subquery_is_reused_per_user_and_unordered(world):
    """Its SQL is compiled once (restrictions.hidden_people) and carries each user's own id;
    no ORDER BY inside it, which would change the plan of every scoped list."""
    from referrals.restrictions import hidden_people

    pat, col = world["staff"]["pat"], world["staff"]["col"]
    _name(world, "kit", "pat", RecordAccessKind.EXCLUDED)

    pat_sql, col_sql = hidden_people(pat), hidden_people(col)

    assert pat_sql.sql == col_sql.sql
    assert "ORDER BY" not in pat_sql.sql.upper()
    assert pat.pk in pat_sql.params and col.pk in col_sql.params
    people = world["kit"].__class__.objects
    assert list(people.filter(pk__in=pat_sql)) == [world["kit"]]
    assert list(people.filter(pk__in=col_sql)) == []
