"""Demo teams, sites and users: every role, several practitioners per L&D team and several
probation officers in the demo probation delivery unit. Larger demos add probation officers
(and delivery units) as the orders need them: seed_probation_officers().

Synthetic only. Passwords: the shared DEMO_PASSWORD when asked for (DEBUG or --demo),
otherwise unusable (set real ones with `manage.py changepassword`). A demo install (the shared
password set) also stops requiring two-factor sign-in of any role, so that every role signs in
with the password `manage.py demo_logins` prints; a real install keeps migration accounts
0005's rule (administrators, commissioners and team leads).
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from accounts.enums import Role, SiteKind, TeamKind
from accounts.models import RolePolicy, Site, Team, User

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - only ever set on demo installs  # nosec B105

LD_TEAMS = {
    "Cambridgeshire & Peterborough L&D": (
        "East of England",
        [
            ("Parkside custody suite", SiteKind.CUSTODY_SUITE),
            ("Peterborough custody suite", SiteKind.CUSTODY_SUITE),
            ("Huntingdon police station", SiteKind.POLICE_STATION),
            ("Cambridge Magistrates' Court", SiteKind.MAGISTRATES_COURT),
            ("Peterborough Magistrates' Court", SiteKind.MAGISTRATES_COURT),
            ("Peterborough Youth Court", SiteKind.YOUTH_COURT),
            ("Cambridge Crown Court", SiteKind.CROWN_COURT),
        ],
    ),
    "Westminster custody L&D": (
        "London",
        [
            ("Charing Cross custody suite", SiteKind.CUSTODY_SUITE),
            ("Belgravia custody suite", SiteKind.CUSTODY_SUITE),
            ("Westminster Magistrates' Court", SiteKind.MAGISTRATES_COURT),
            ("City of London Magistrates' Court", SiteKind.MAGISTRATES_COURT),
            ("Southwark Crown Court", SiteKind.CROWN_COURT),
        ],
    ),
}
OTHER_TEAMS = {
    "Cambridgeshire Probation Delivery Unit": (TeamKind.PROBATION, "East of England"),
    "Fenland Recovery Partnership": (TeamKind.TREATMENT_PROVIDER, "East of England"),
    "East of England Health and Justice Commissioning": (
        TeamKind.COMMISSIONER,
        "East of England",
    ),
    "Service administration": (TeamKind.ADMINISTRATION, ""),
}

# username, first name, last name, role, team, job title
DEMO_USERS = [
    ("practitioner", "Priya", "Shah", Role.PRACTITIONER, "Cambridgeshire & Peterborough L&D",
     "L&D practitioner (custody)"),
    ("teamlead", "Tom", "Bennett", Role.TEAM_LEAD, "Cambridgeshire & Peterborough L&D",
     "L&D team lead"),
    ("probation", "Olu", "Adeyemi", Role.PROBATION_OFFICER,
     "Cambridgeshire Probation Delivery Unit", "Probation officer"),
    ("clinician", "Hannah", "Kowalski", Role.PROVIDER_CLINICIAN, "Fenland Recovery Partnership",
     "Recovery worker"),
    ("commissioner", "Grace", "Osei", Role.COMMISSIONER,
     "East of England Health and Justice Commissioning", "Health and justice commissioner"),
    ("admin", "Alan", "Murray", Role.ADMINISTRATOR, "Service administration",
     "Service administrator"),
    ("practitioner2", "Daniel", "Hughes", Role.PRACTITIONER, "Cambridgeshire & Peterborough L&D",
     "L&D practitioner (court)"),
    ("practitioner3", "Aisha", "Rahman", Role.PRACTITIONER, "Cambridgeshire & Peterborough L&D",
     "L&D nurse"),
    ("westminster", "Fiona", "Campbell", Role.PRACTITIONER, "Westminster custody L&D",
     "L&D practitioner (custody)"),
    ("westminsterlead", "Marcus", "Green", Role.TEAM_LEAD, "Westminster custody L&D",
     "L&D team lead"),
    ("westminster2", "Chloe", "Evans", Role.PRACTITIONER, "Westminster custody L&D",
     "L&D practitioner (court)"),
    ("westminster3", "Kofi", "Asante", Role.PRACTITIONER, "Westminster custody L&D",
     "L&D nurse"),
    ("probation2", "Rachel", "Moss", Role.PROBATION_OFFICER,
     "Cambridgeshire Probation Delivery Unit", "Probation officer"),
    ("probation3", "Sean", "Doyle", Role.PROBATION_OFFICER,
     "Cambridgeshire Probation Delivery Unit", "Probation services officer"),
    ("clinician2", "Megan", "Price", Role.PROVIDER_CLINICIAN, "Fenland Recovery Partnership",
     "Recovery worker"),
]  # fmt: skip
DEMO_PDU = "Cambridgeshire Probation Delivery Unit"
# A probation delivery unit's officers; more officers than this go to further units.
OFFICERS_PER_PDU = 25
_OFFICER_GIVEN = [
    "Amy",
    "Ben",
    "Carys",
    "Deepak",
    "Ella",
    "Femi",
    "Gareth",
    "Hina",
    "Ivan",
    "Jo",
    "Kemi",
    "Liam",
    "Mina",
    "Nadeem",
    "Orla",
    "Paul",
    "Rosa",
    "Sunil",
]
_OFFICER_FAMILY = [
    "Archer",
    "Bassi",
    "Carter",
    "Dunn",
    "Ekwueme",
    "Foster",
    "Gill",
    "Hart",
    "Iqbal",
    "Jarvis",
    "Kerr",
    "Lowe",
    "Marsh",
    "Nolan",
    "Owusu",
    "Pike",
]


@dataclass
class DemoAccounts:
    teams: dict[str, Team]
    users: dict[str, User]


def seed_teams_and_users(*, password: str | None = None) -> DemoAccounts:
    """Create (or find) the demo teams, their sites and one user per role. Idempotent.

    `password` is set on every demo user when given; otherwise new users get an unusable one.
    """
    teams = {}
    for name, (area, sites) in LD_TEAMS.items():
        team, _ = Team.objects.get_or_create(
            name=name, defaults={"kind": TeamKind.LIAISON_DIVERSION, "area": area}
        )
        teams[name] = team
        for site_name, kind in sites:
            Site.objects.get_or_create(team=team, name=site_name, defaults={"kind": kind})
    for name, (kind, area) in OTHER_TEAMS.items():
        teams[name], _ = Team.objects.get_or_create(
            name=name, defaults={"kind": kind, "area": area}
        )
    # One hash for all: the demo password is shared anyway, and hashing is slow by design.
    hashed = make_password(password) if password else None
    users = {}
    for username, first, last, role, team_name, title in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.nhs.uk",
                "role": role,
                "team": teams[team_name],
                "job_title": title,
                "is_staff": role == Role.ADMINISTRATOR,
            },
        )
        if hashed:
            user.password = hashed
            user.save(update_fields=["password"])
        elif created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        users[username] = user
    _grant_administration(users["admin"])
    if hashed:
        RolePolicy.objects.update(require_two_factor=False)
    return DemoAccounts(teams=teams, users=users)


# Administrators manage users, teams and reference data, never clinical records.
_ADMIN_MODELS = [
    ("accounts", "user"),
    ("accounts", "team"),
    ("accounts", "site"),
    ("accounts", "rolepolicy"),
    ("referrals", "ethnicity"),
    ("referrals", "offencecategory"),
    ("referrals", "vulnerability"),
]


def _grant_administration(user: User):
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    condition = Q(pk__in=[])
    for app_label, model in _ADMIN_MODELS:
        condition |= Q(content_type__app_label=app_label, content_type__model=model)
    user.user_permissions.add(*Permission.objects.filter(condition))


def seed_probation_officers(
    count: int, *, password: str | None = None, busy: frozenset[int] = frozenset()
) -> list[tuple[int, int]]:
    """`count` probation officers, none of them in `busy` (those already holding a caseload),
    as (user id, team id) in the order they were made (the demo logins first); made in bulk
    when there are too few.

    Officers are made OFFICERS_PER_PDU to a probation delivery unit: the demo unit first,
    then "Probation Delivery Unit 2", 3, ... (synthetic, East of England)."""
    everyone = list(
        User.objects.filter(role=Role.PROBATION_OFFICER, team__isnull=False, is_active=True)
        .order_by("pk")
        .values_list("pk", "team_id")
    )
    officers = [o for o in everyone if o[0] not in busy]
    missing = count - len(officers)
    if missing > 0:
        teams = _delivery_units(-(-(len(everyone) + missing) // OFFICERS_PER_PDU))
        held = {}
        for _, team_id in everyone:
            held[team_id] = held.get(team_id, 0) + 1
        hashed = make_password(password) if password else make_password(None)
        serial = User.objects.filter(username__startswith="officer").count() + 1
        new = []
        for _ in range(missing):
            team = next(t for t in teams if held.get(t.pk, 0) < OFFICERS_PER_PDU)
            held[team.pk] = held.get(team.pk, 0) + 1
            given = _OFFICER_GIVEN[serial % len(_OFFICER_GIVEN)]
            family = _OFFICER_FAMILY[(serial // len(_OFFICER_GIVEN)) % len(_OFFICER_FAMILY)]
            new.append(
                User(
                    username=f"officer{serial:05d}",
                    first_name=given,
                    last_name=family,
                    email=f"officer{serial:05d}@example.nhs.uk",
                    role=Role.PROBATION_OFFICER,
                    team=team,
                    job_title="Probation officer",
                    password=hashed,
                )
            )
            serial += 1
        User.objects.bulk_create(new, batch_size=1000)
        officers += [
            (u.pk, u.team_id)
            for u in User.objects.filter(username__in=[u.username for u in new]).order_by("pk")
        ]
    return officers[:count]


def _delivery_units(count: int) -> list[Team]:
    """The demo probation delivery unit and further synthetic ones, `count` in all."""
    teams = [
        Team.objects.get_or_create(
            name=DEMO_PDU, defaults={"kind": TeamKind.PROBATION, "area": "East of England"}
        )[0]
    ]
    for number in range(2, count + 1):
        teams.append(
            Team.objects.get_or_create(
                name=f"Probation Delivery Unit {number}",
                defaults={"kind": TeamKind.PROBATION, "area": "East of England"},
            )[0]
        )
    return teams


def ld_teams() -> list[Team]:
    return list(Team.objects.filter(name__in=LD_TEAMS).order_by("name"))


def seed_demo_step(*, referrals: int, seed: int, password: str | None) -> str:
    """seed_demo step: teams, sites and one user per role."""
    accounts = seed_teams_and_users(password=password)
    return f"Teams: {len(accounts.teams)}, demo users: {len(accounts.users)}"
