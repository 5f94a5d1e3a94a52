"""URL_RULES: for each URL pattern of the project, the policy cells its view enforces and
how to build its URL from the security tests' seed (tests/security/conftest.py), (the
kinds of access and `expected_outcome`, what the policy says a visitor gets there, are in
access_rules.py).

`test_every_url_has_an_access_rule` (test_access_matrix.py) fails for a URL with no entry
here: map each new URL with the policy cell its view enforces (that is the review of the
view).
"""

from accounts.enums import Role
from accounts.policy import Action, Kind

from . import url_seed
from .access_rules import (
    API_TOKEN,
    BEARER_TOKEN,
    LD_TEAM,
    PROBATION_ONLY,
    PUBLIC,
    SIGNED_IN,
    Rule,
    rule,
)

URL_RULES: dict[str, Rule] = {
    "healthz": Rule(access=PUBLIC),
    "accessibility": Rule(access=PUBLIC),
    "notify_callback": Rule(access=BEARER_TOKEN, method="post"),
    # accounts
    "accounts:login": Rule(access=PUBLIC),
    "accounts:home": Rule(access=SIGNED_IN),
    "accounts:logout": Rule(access=SIGNED_IN, method="post", ends_signed_out=True),
    "accounts:keep_alive": Rule(access=SIGNED_IN),
    "accounts:password_change": Rule(access=SIGNED_IN),
    "accounts:two_factor_verify": Rule(access=SIGNED_IN),
    "accounts:two_factor_enrol": Rule(access=SIGNED_IN),
    "accounts:sessions": Rule(access=SIGNED_IN),
    "accounts:session_end": Rule(
        access=SIGNED_IN,
        method="post",
        kwargs=lambda s: {"pk": url_seed.practitioner_session(s).pk},
        owner=lambda s: s.users[Role.PRACTITIONER],
    ),
    "accounts:sessions_end_others": Rule(access=SIGNED_IN, method="post"),
    "accounts:audit_search": rule(Kind.AUDIT, Action.VIEW),
    "accounts:audit_person": rule(
        Kind.AUDIT, Action.VIEW, kwargs=lambda seed: {"person_id": seed.person.pk}
    ),
    # accounts: the administration screens (staff accounts, teams and sites)
    "accounts:admin_user_list": rule(Kind.ACCOUNTS, Action.VIEW),
    "accounts:admin_user_create": rule(Kind.ACCOUNTS, Action.CREATE),
    "accounts:admin_user_detail": rule(Kind.ACCOUNTS, Action.VIEW, kwargs=url_seed.staff_pk),
    "accounts:admin_user_role_team": rule(Kind.ACCOUNTS, Action.CHANGE, kwargs=url_seed.staff_pk),
    "accounts:admin_user_active": rule(
        Kind.ACCOUNTS, Action.CHANGE, kwargs=url_seed.staff_pk, method="post"
    ),
    "accounts:admin_user_two_factor_required": rule(
        Kind.ACCOUNTS, Action.CHANGE, kwargs=url_seed.staff_pk
    ),
    "accounts:admin_user_two_factor_reset": rule(
        Kind.ACCOUNTS, Action.CHANGE, kwargs=url_seed.staff_pk, method="post"
    ),
    "accounts:admin_user_sessions_end": rule(
        Kind.ACCOUNTS, Action.CHANGE, kwargs=url_seed.staff_pk, method="post"
    ),
    "accounts:admin_access_request_list": rule(Kind.ACCOUNTS, Action.VIEW),
    "accounts:admin_access_request_decide": rule(
        Kind.ACCOUNTS, Action.CHANGE, kwargs=url_seed.access_request_pk
    ),
    "accounts:admin_team_list": rule(Kind.TEAMS, Action.VIEW),
    "accounts:admin_team_create": rule(Kind.TEAMS, Action.CREATE, method="post"),
    "accounts:admin_team_detail": rule(Kind.TEAMS, Action.VIEW, kwargs=url_seed.team_pk),
    "accounts:admin_team_rename": rule(Kind.TEAMS, Action.CHANGE, kwargs=url_seed.team_pk),
    "accounts:admin_team_bank_holidays": rule(Kind.TEAMS, Action.CHANGE, kwargs=url_seed.team_pk),
    "accounts:admin_team_active": rule(
        Kind.TEAMS, Action.CHANGE, kwargs=url_seed.team_pk, method="post"
    ),
    "accounts:admin_site_create": rule(Kind.TEAMS, Action.CREATE, kwargs=url_seed.team_pk),
    "accounts:admin_site_rename": rule(Kind.TEAMS, Action.CHANGE, kwargs=url_seed.site_pks),
    "accounts:admin_site_active": rule(
        Kind.TEAMS, Action.CHANGE, kwargs=url_seed.site_pks, method="post"
    ),
    # referrals
    "referrals:my_work": rule(Kind.REFERRAL, Action.VIEW),
    "referrals:my_work_new_to_me": rule(Kind.REFERRAL, Action.VIEW),
    "referrals:referral_list": rule(Kind.REFERRAL, Action.VIEW),
    "referrals:intake": Rule(needs=((Kind.REFERRAL, Action.CREATE), (Kind.PERSON, Action.CREATE))),
    "referrals:referral_detail": rule(
        Kind.REFERRAL, Action.VIEW, kwargs=url_seed.referral, obj=lambda s: s.referral
    ),
    "referrals:referral_edit": rule(
        Kind.REFERRAL, Action.CHANGE, kwargs=url_seed.referral, obj=lambda s: s.referral
    ),
    "referrals:referral_transition": rule(
        Kind.REFERRAL,
        Action.CHANGE,
        kwargs=url_seed.referral,
        obj=lambda s: s.referral,
        method="post",
    ),
    "referrals:referral_bulk_allocate": rule(Kind.REFERRAL, Action.ALLOCATE, method="post"),
    "referrals:referral_assign": rule(
        Kind.REFERRAL,
        Action.CHANGE,
        kwargs=url_seed.referral,
        obj=lambda s: s.referral,
        method="post",
    ),
    "referrals:referral_transfer": rule(
        Kind.REFERRAL, Action.TRANSFER, kwargs=url_seed.referral, obj=lambda s: s.referral
    ),
    "referrals:person_detail": rule(
        Kind.PERSON, Action.VIEW, kwargs=url_seed.person, obj=url_seed.the_person
    ),
    "referrals:person_edit": rule(
        Kind.PERSON, Action.CHANGE, kwargs=url_seed.person, obj=url_seed.the_person
    ),
    # contact details and reminders (issue 18): the person's L&D teams and the probation
    # officers of their orders
    "referrals:person_contact": rule(
        Kind.PERSON_CONTACT, Action.CHANGE, kwargs=url_seed.person, obj=url_seed.the_person
    ),
    "referrals:record_access": rule(
        Kind.PERSON, Action.RESTRICT, kwargs=url_seed.person, obj=url_seed.the_person
    ),
    "referrals:record_access_remove": rule(
        Kind.PERSON,
        Action.RESTRICT,
        kwargs=url_seed.access_entry,
        obj=url_seed.the_person,
        method="post",
    ),
    "referrals:subject_access": rule(
        Kind.PERSON, Action.EXPORT, kwargs=url_seed.person, obj=url_seed.the_person
    ),
    "referrals:subject_access_json": rule(
        Kind.PERSON, Action.EXPORT, kwargs=url_seed.person, obj=url_seed.the_person
    ),
    # risks: the person's risk register (flags seen by every role that sees the person;
    # raised, reviewed and removed by the person's L&D teams)
    "risks:register": rule(
        Kind.RISK, Action.VIEW, kwargs=url_seed.risk_person, obj=lambda s: s.risk_flag
    ),
    "risks:flag_raise": rule(
        Kind.RISK, Action.CREATE, kwargs=url_seed.risk_person, obj=lambda s: s.risk_flag
    ),
    "risks:flag_review": rule(
        Kind.RISK, Action.CHANGE, kwargs=url_seed.pk("risk_flag"), obj=lambda s: s.risk_flag
    ),
    "risks:flag_remove": rule(
        Kind.RISK, Action.CHANGE, kwargs=url_seed.pk("risk_flag"), obj=lambda s: s.risk_flag
    ),
    # assessments: work on a referral is for the person's own L&D team only
    "assessments:screening": rule(
        Kind.ASSESSMENT, Action.CREATE, roles=LD_TEAM, **url_seed.on_referral(lambda s: s.referral)
    ),
    "assessments:assessment_start": rule(
        Kind.ASSESSMENT,
        Action.CREATE,
        roles=LD_TEAM,
        method="post",
        **url_seed.on_referral(lambda s: s.referral),
    ),
    "assessments:autosave": rule(
        Kind.ASSESSMENT,
        Action.CHANGE,
        roles=LD_TEAM,
        method="post",
        kwargs=lambda s: {"referral_pk": s.referral.pk, "step": "screening"},
        obj=lambda s: s.referral,
        scope_check=(Kind.REFERRAL, Action.VIEW),
    ),
    "assessments:consent_record": rule(
        Kind.ASSESSMENT,
        Action.CHANGE,
        roles=LD_TEAM,
        **url_seed.on_referral(lambda s: s.signed.referral),
    ),
    "assessments:onward_record": rule(
        Kind.ASSESSMENT,
        Action.CHANGE,
        roles=LD_TEAM,
        **url_seed.on_referral(lambda s: s.signed.referral),
    ),
    "assessments:consent_withdraw": rule(
        Kind.ASSESSMENT,
        Action.CHANGE,
        roles=LD_TEAM,
        kwargs=lambda s: {"pk": s.consent.pk},
        obj=lambda s: s.signed.referral,
        scope_check=(Kind.REFERRAL, Action.VIEW),
    ),
    "assessments:onward_outcome": rule(
        Kind.ASSESSMENT,
        Action.CHANGE,
        roles=LD_TEAM,
        kwargs=lambda s: {"pk": s.onward.pk},
        obj=lambda s: s.signed.referral,
        scope_check=(Kind.REFERRAL, Action.VIEW),
    ),
    "assessments:assessment_detail": rule(
        Kind.ASSESSMENT, Action.VIEW, kwargs=url_seed.pk("signed"), obj=lambda s: s.signed
    ),
    "assessments:section": rule(
        Kind.ASSESSMENT,
        Action.CHANGE,
        kwargs=lambda s: {"pk": s.draft.pk, "key": "presenting"},
        obj=lambda s: s.draft,
    ),
    "assessments:instrument": rule(
        Kind.ASSESSMENT,
        Action.CHANGE,
        kwargs=lambda s: {"pk": s.draft.pk, "slug": "phq-9"},
        obj=lambda s: s.draft,
    ),
    "assessments:instrument_discard": rule(
        Kind.ASSESSMENT,
        Action.CHANGE,
        kwargs=lambda s: {"pk": s.draft.pk, "slug": "phq-9"},
        obj=lambda s: s.draft,
        method="post",
    ),
    "assessments:sign": rule(
        Kind.ASSESSMENT, Action.SIGN, kwargs=url_seed.pk("draft"), obj=lambda s: s.draft
    ),
    "assessments:addendum": rule(
        Kind.ASSESSMENT, Action.CHANGE, kwargs=url_seed.pk("signed"), obj=lambda s: s.signed
    ),
    "assessments:summary": rule(
        Kind.ASSESSMENT, Action.VIEW, kwargs=url_seed.pk("signed"), obj=lambda s: s.signed
    ),
    # treatment requirements
    "treatment_requirements:caseload": rule(Kind.ORDER, Action.VIEW),
    "treatment_requirements:caseload_orders": rule(Kind.ORDER, Action.VIEW),
    "treatment_requirements:caseload_week": rule(Kind.ORDER, Action.VIEW),
    "treatment_requirements:caseload_new_to_me": rule(Kind.ORDER, Action.VIEW),
    "treatment_requirements:caseload_due": rule(
        Kind.ORDER, Action.VIEW, kwargs=lambda s: {"name": "outcomes_due"}
    ),
    "treatment_requirements:caseload_week_due": rule(
        Kind.ORDER, Action.VIEW, kwargs=lambda s: {"name": "enforcement"}
    ),
    # the team workload: figures per member of the user's own team (policy Kind.WORKLOAD)
    "treatment_requirements:team_workload": rule(Kind.WORKLOAD, Action.VIEW),
    "treatment_requirements:recommendation_new": rule(
        Kind.RECOMMENDATION,
        Action.CREATE,
        roles=LD_TEAM,
        kwargs=lambda s: {"assessment_pk": s.signed.pk},
        obj=lambda s: s.signed,
        scope_check=(Kind.ASSESSMENT, Action.VIEW),
    ),
    "treatment_requirements:recommendation_detail": rule(
        Kind.RECOMMENDATION, Action.VIEW, **url_seed.on_recommendation()
    ),
    "treatment_requirements:requirement_checklist": rule(
        Kind.RECOMMENDATION,
        Action.CHANGE,
        roles=LD_TEAM,
        kwargs=lambda s: {"pk": s.recommendation.pk, "requirement_pk": s.proposed.pk},
        obj=lambda s: s.recommendation,
    ),
    "treatment_requirements:recommendation_ready": rule(
        Kind.RECOMMENDATION,
        Action.CHANGE,
        roles=LD_TEAM,
        method="post",
        **url_seed.on_recommendation(),
    ),
    "treatment_requirements:recommendation_print": rule(
        Kind.RECOMMENDATION, Action.VIEW, **url_seed.on_recommendation()
    ),
    "treatment_requirements:court_outcome_new": rule(
        Kind.ORDER,
        Action.CREATE,
        roles=LD_TEAM,
        scope_check=(Kind.RECOMMENDATION, Action.VIEW),
        **url_seed.on_recommendation(),
    ),
    "treatment_requirements:order_detail": rule(Kind.ORDER, Action.VIEW, **url_seed.on_order()),
    "treatment_requirements:appointment_new": rule(
        Kind.ORDER, Action.CHANGE, **url_seed.on_order()
    ),
    "treatment_requirements:appointment_outcome": rule(
        Kind.ORDER, Action.CHANGE, **url_seed.on_order(appointment_pk="appointment")
    ),
    "treatment_requirements:appointment_reschedule": rule(
        Kind.ORDER, Action.CHANGE, **url_seed.on_order(appointment_pk="appointment")
    ),
    "treatment_requirements:failure_action": rule(
        Kind.ORDER, Action.ENFORCE, **url_seed.on_order(failure_pk="failure")
    ),
    "treatment_requirements:warning_letter": rule(
        Kind.ORDER, Action.VIEW, **url_seed.on_order(warning_pk="warning")
    ),
    "treatment_requirements:breach_outcome": rule(
        Kind.ORDER, Action.ENFORCE, **url_seed.on_order(breach_pk="breach")
    ),
    "treatment_requirements:drug_test_new": rule(Kind.ORDER, Action.CHANGE, **url_seed.on_order()),
    "treatment_requirements:review_new": rule(Kind.ORDER, Action.CHANGE, **url_seed.on_order()),
    "treatment_requirements:review_report": rule(
        Kind.ORDER, Action.CHANGE, **url_seed.on_order(review_pk="review")
    ),
    "treatment_requirements:review_held": rule(
        Kind.ORDER, Action.CHANGE, **url_seed.on_order(review_pk="review")
    ),
    "treatment_requirements:measure_new": rule(Kind.ORDER, Action.CHANGE, **url_seed.on_order()),
    "treatment_requirements:order_reallocate": rule(
        Kind.ORDER, Action.ALLOCATE, **url_seed.on_order()
    ),
    "treatment_requirements:orders_bulk_reallocate": rule(
        Kind.ORDER, Action.ALLOCATE, method="post"
    ),
    "treatment_requirements:order_terminate": rule(
        Kind.ORDER, Action.ENFORCE, **url_seed.on_order()
    ),
    "treatment_requirements:order_terminate_confirm": rule(
        Kind.ORDER, Action.ENFORCE, **url_seed.on_order()
    ),
    # Reoffending follow-up is the referral's, held through its order once one was made
    # (tried here: the order's referral); the L&D team holds it for a referral with no order
    # (tried in tests/treatment_requirements/test_reoffending.py).
    "treatment_requirements:reoffending_new": rule(
        Kind.ORDER, Action.ENFORCE, **url_seed.order_referral
    ),
    "treatment_requirements:reoffending_check": rule(
        Kind.ORDER, Action.ENFORCE, **url_seed.order_referral
    ),
    # contact log: the person's log and the add form need the person in scope; a contact
    # is its author team's (TEAM for L&D, CASELOAD for probation: contact_log/scopes.py)
    "contact_log:contact_log": rule(
        Kind.CONTACT,
        Action.VIEW,
        kwargs=url_seed.person,
        obj=url_seed.the_person,
        scope_check=(Kind.PERSON, Action.VIEW),
    ),
    "contact_log:contact_new": rule(
        Kind.CONTACT,
        Action.CREATE,
        kwargs=url_seed.person,
        obj=url_seed.the_person,
        scope_check=(Kind.PERSON, Action.VIEW),
    ),
    "contact_log:contact_detail": rule(
        Kind.CONTACT, Action.VIEW, kwargs=url_seed.pk("contact"), obj=lambda s: s.contact
    ),
    "contact_log:contact_addendum": rule(
        Kind.CONTACT, Action.CHANGE, kwargs=url_seed.pk("contact"), obj=lambda s: s.contact
    ),
    "contact_log:contact_in_error": rule(
        Kind.CONTACT, Action.CHANGE, kwargs=url_seed.pk("contact"), obj=lambda s: s.contact
    ),
    "contact_log:contact_restrict": rule(
        Kind.CONTACT, Action.CHANGE, kwargs=url_seed.pk("contact"), obj=lambda s: s.contact
    ),
    "contact_log:contact_review": rule(
        Kind.CONTACT, Action.CHANGE, kwargs=url_seed.pk("contact"), obj=lambda s: s.contact
    ),
    # documents: the person's list and the upload form are about the person (whom the
    # visitor must be able to see); download and removal are about the document itself.
    "documents:person_documents": rule(
        Kind.DOCUMENT,
        Action.VIEW,
        kwargs=url_seed.person,
        obj=url_seed.the_person,
        scope_check=(Kind.PERSON, Action.VIEW),
    ),
    "documents:document_upload": rule(
        Kind.DOCUMENT,
        Action.CREATE,
        kwargs=url_seed.person,
        obj=url_seed.the_person,
        scope_check=(Kind.PERSON, Action.VIEW),
    ),
    "documents:document_download": rule(
        Kind.DOCUMENT, Action.VIEW, kwargs=url_seed.pk("document"), obj=lambda s: s.document
    ),
    "documents:document_remove": rule(
        Kind.DOCUMENT, Action.CHANGE, kwargs=url_seed.pk("document"), obj=lambda s: s.document
    ),
    # reporting: aggregate figures only
    "reporting:dashboard": rule(Kind.DASHBOARD, Action.VIEW),
    "reporting:board_summary": rule(Kind.DASHBOARD, Action.VIEW),
    "reporting:export_workbook": rule(Kind.DASHBOARD, Action.EXPORT),
    "reporting:export_table": rule(
        Kind.DASHBOARD, Action.EXPORT, kwargs=lambda s: {"key": "funnel", "fmt": "csv"}
    ),
    # reporting: record-level returns (pseudonymous rows), each seen by its requester only
    "reporting:return_list": rule(Kind.RECORD_RETURN, Action.EXPORT),
    **{
        f"reporting:{name}": rule(
            Kind.RECORD_RETURN,
            Action.EXPORT,
            kwargs=url_seed.commissioner_return,
            owner=lambda s: s.users[Role.COMMISSIONER],
        )
        for name in ("return_detail", "return_progress", "return_download")
    },
    # notifications: each user's own inbox
    "notifications:inbox": Rule(access=SIGNED_IN),
    "notifications:reminder_read": Rule(
        access=SIGNED_IN,
        method="post",
        kwargs=lambda s: {"pk": s.reminder.pk},
        owner=lambda s: s.reminder.recipient,
    ),
    "notifications:read_all": Rule(access=SIGNED_IN, method="post"),
    # messages to the person (issue 18): whoever sees the order sees its appointments'
    # messages; marking a letter printed changes the order's record
    "person_messages:person_messages": rule(
        Kind.ORDER,
        Action.VIEW,
        kwargs=url_seed.person,
        obj=url_seed.the_person,
        scope_check=(Kind.PERSON, Action.VIEW),
    ),
    "person_messages:letter": rule(
        Kind.ORDER, Action.VIEW, kwargs=url_seed.letter, obj=lambda s: s.order
    ),
    "person_messages:letter_printed": rule(
        Kind.ORDER, Action.CHANGE, kwargs=url_seed.letter, obj=lambda s: s.order, method="post"
    ),
    "notifications:preference": Rule(access=SIGNED_IN, method="post"),
    # calendar: the officer's own feed page (officers hold orders); the feed itself needs no
    # sign-in, its secret token is the credential (404 for any other token)
    "calendar:feed_page": rule(Kind.ORDER, Action.VIEW, roles=PROBATION_ONLY),
    "calendar:feed_create": rule(Kind.ORDER, Action.VIEW, roles=PROBATION_ONLY, method="post"),
    "calendar:feed_revoke": rule(Kind.ORDER, Action.VIEW, roles=PROBATION_ONLY, method="post"),
    "calendar:feed": Rule(access=PUBLIC, kwargs=url_seed.calendar_feed_token),
    # api: the JSON API (token only; what a token reaches is tested in tests/api); its
    # token endpoint, public as the sign-in page is (a client's id and secret get a token;
    # an empty POST is 400); its schema and documentation page (public: they describe the
    # API and hold no record)
    "api:token": Rule(access=PUBLIC, method="post"),
    "api:referral_create": Rule(access=API_TOKEN, method="post"),
    "api:referral_detail": Rule(access=API_TOKEN, kwargs=lambda s: {"pk": s.referral.pk}),
    "api:order_list": Rule(access=API_TOKEN),
    "api:order_detail": Rule(access=API_TOKEN, kwargs=lambda s: {"pk": s.order.pk}),
    "api:order_appointments": Rule(access=API_TOKEN, kwargs=lambda s: {"pk": s.order.pk}),
    "api:appointment_outcome": Rule(
        access=API_TOKEN, method="post", kwargs=lambda s: {"pk": s.appointment.pk}
    ),
    "api:not_found": Rule(access=API_TOKEN, kwargs=lambda s: {"rest": "no-such-thing/"}),
    "api:schema": Rule(access=PUBLIC),
    "api:docs": Rule(access=PUBLIC),
    # api: the administrators' screens for API clients
    "api_admin:client_list": rule(Kind.ACCOUNTS, Action.VIEW),
    "api_admin:client_create": rule(Kind.ACCOUNTS, Action.CREATE),
    "api_admin:client_detail": rule(Kind.ACCOUNTS, Action.VIEW, kwargs=url_seed.api_client_pk),
    "api_admin:client_rotate": rule(Kind.ACCOUNTS, Action.CHANGE, kwargs=url_seed.api_client_pk),
    "api_admin:client_revoke": rule(Kind.ACCOUNTS, Action.CHANGE, kwargs=url_seed.api_client_pk),
    "api_admin:client_approve": rule(Kind.ACCOUNTS, Action.CHANGE, kwargs=url_seed.api_client_pk),
}
