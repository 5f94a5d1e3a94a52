"""The API's OAuth2 scopes and what each lets a client's service account do.

A scope never grants anything by itself: the client acts as its service account (a user
of its team, with the role matching the team's kind), so accounts.policy decides every
record it reaches. A scope narrows what that account may do through the API.
"""

from accounts.enums import Role, TeamKind

REFERRALS_WRITE = "referrals:write"
REFERRALS_READ = "referrals:read"
ORDERS_READ = "orders:read"
APPOINTMENTS_WRITE = "appointments:write"

SCOPES = {
    REFERRALS_WRITE: "Create referrals for the client's L&D team",
    REFERRALS_READ: "Read the status and history of the L&D team's referrals",
    ORDERS_READ: "Read the probation team's orders and their appointments",
    APPOINTMENTS_WRITE: "Record appointment outcomes on the probation team's orders",
}

# Which scopes a client of each kind of team may hold, and the role its account gets.
TEAM_SCOPES = {
    TeamKind.LIAISON_DIVERSION: (REFERRALS_WRITE, REFERRALS_READ),
    TeamKind.PROBATION: (ORDERS_READ, APPOINTMENTS_WRITE),
}
SERVICE_ROLES = {
    TeamKind.LIAISON_DIVERSION: Role.PRACTITIONER,
    TeamKind.PROBATION: Role.PROBATION_OFFICER,
}


def scopes_for_team_kind(kind: str) -> tuple[str, ...]:
    return TEAM_SCOPES.get(kind, ())
