from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "L&D practitioner"
    TEAM_LEAD = "team_lead", "L&D team lead"
    PROBATION_OFFICER = "probation_officer", "Probation officer"
    PROVIDER_CLINICIAN = "provider_clinician", "Treatment provider clinician"
    COMMISSIONER = "commissioner", "Commissioner"
    ADMINISTRATOR = "administrator", "Administrator"


class TeamKind(models.TextChoices):
    LIAISON_DIVERSION = "liaison_diversion", "Liaison & Diversion service"
    PROBATION = "probation", "Probation delivery unit"
    TREATMENT_PROVIDER = "treatment_provider", "Treatment provider"
    COMMISSIONER = "commissioner", "Commissioner"
    ADMINISTRATION = "administration", "Administration"


class BankHolidays(models.TextChoices):
    """Whose bank holidays a team works to (gov.uk/bank-holidays): its appointments are
    warned about on them and its enforcement deadlines count working days without them."""

    ENGLAND_AND_WALES = "england_and_wales", "England and Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


class SiteKind(models.TextChoices):
    CUSTODY_SUITE = "custody_suite", "Police custody suite"
    POLICE_STATION = "police_station", "Police station (voluntary attendance)"
    MAGISTRATES_COURT = "magistrates_court", "Magistrates' court"
    YOUTH_COURT = "youth_court", "Youth court"
    CROWN_COURT = "crown_court", "Crown Court"
    PROBATION_OFFICE = "probation_office", "Probation office"
    COMMUNITY = "community", "Community"


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    TRANSITION = "transition", "Status changed"
    SIGN = "sign", "Signed"
    EXPORT = "export", "Exported"
    SEARCH = "search", "Searched"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    SIGN_OUT = "sign_out", "Signed out"
    REFUSED = "refused", "Permission refused"


class AccountChangeKind(models.TextChoices):
    """What an administrator changed on a user, a team or a site (their history rows)."""

    CREATED = "created", "Created"
    ROLE = "role", "Role changed"
    TEAM = "team", "Team changed"
    DEACTIVATED = "deactivated", "Deactivated"
    REACTIVATED = "reactivated", "Reactivated"
    TWO_FACTOR_REQUIRED = "two_factor_required", "Two-factor sign-in required"
    TWO_FACTOR_NOT_REQUIRED = "two_factor_not_required", "Two-factor sign-in no longer required"
    TWO_FACTOR_RESET = "two_factor_reset", "Two-factor sign-in reset"
    # A role or team giving clinical access waits for a second administrator.
    ACCESS_REQUESTED = "access_requested", "Role or team change requested"
    ACCESS_APPROVED = "access_approved", "Role or team change approved"
    ACCESS_REJECTED = "access_rejected", "Role or team change rejected"
    # So does a new account, or a reactivation, with such a role.
    ACTIVATION_REQUESTED = "activation_requested", "Activation requested"
    ACTIVATION_APPROVED = "activation_approved", "Activation approved"
    ACTIVATION_REJECTED = "activation_rejected", "Activation rejected"
    ACTIVATED = "activated", "Activated with a temporary password"
    RENAMED = "renamed", "Renamed"
    SITE_ADDED = "site_added", "Site added"
    SITE_RENAMED = "site_renamed", "Site renamed"
    SITE_DEACTIVATED = "site_deactivated", "Site deactivated"
    SITE_REACTIVATED = "site_reactivated", "Site reactivated"
    BANK_HOLIDAYS = "bank_holidays", "Bank holidays changed"


class AccessRequestKind(models.TextChoices):
    """What a request waiting for a second administrator would give a role seeing records."""

    ROLE_TEAM = "role_team", "A change of role or team"
    NEW_ACCOUNT = "new_account", "A new account"
    REACTIVATION = "reactivation", "A reactivation"


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
