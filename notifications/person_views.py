"""What the officer sees of the messages to the person: the order page's panel, the
person's record page "Messages", and a letter to print with "Mark as printed".

Who sees a message: whoever sees its appointment's order (`Kind.ORDER`, view); marking a
letter printed: whoever may change the order. Every page is audited (ids only).
"""

import datetime

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_refusal, audit_request, audit_view
from accounts.enums import AuditAction
from accounts.policy import Action, Kind, require, scoped
from core.paging import KeysetOrder, keyset_page
from referrals.selectors import person_get_for_user
from treatment_requirements.models import Order

from .enums import PersonMessageState as State
from .models import PersonMessage

PAGE_SIZE = 25
PANEL_LIMIT = 20
NEWEST_FIRST = KeysetOrder("created_at", descending=True, parse=datetime.datetime.fromisoformat)
_COLUMNS = ("appointment", "created_by")
# States a message no longer changes from on its own: shown as done, not waiting.
NOT_SENT = frozenset(
    {
        State.NOT_SENT_OFFICER,
        State.NOT_SENT_DECLINED,
        State.NOT_SENT_NO_DETAILS,
        State.NOT_SENT_NO_CHANNEL,
        State.WITHDRAWN,
    }
)
FAILED = frozenset(
    {State.PERMANENT_FAILURE, State.TEMPORARY_FAILURE, State.TECHNICAL_FAILURE, State.FAILED}
)

# A letter's page is offered while it waits to be printed, and after (to print again).
LETTER_STATES = (State.TO_PRINT, State.PRINTED)


def state_tag(state: str) -> str:
    """The GOV.UK tag colour of a message's state."""
    if state in FAILED:
        return "govuk-tag--red"
    if state in NOT_SENT:
        return "govuk-tag--grey"
    if state in (State.DELIVERED, State.SENT, State.PRINTED):
        return "govuk-tag--green"
    return "govuk-tag--yellow"


def _visible(user, action: str, queryset: QuerySet) -> QuerySet:
    """Messages about appointments of orders the user may `action`."""
    orders = scoped(user, action, Kind.ORDER, Order.objects.all())
    return queryset.filter(appointment__order__in=orders.values("pk"))


def order_messages_panel(request, order) -> dict | None:
    """The order page's "Messages to the person": its appointments' messages, newest
    first (the latest PANEL_LIMIT; the person's Messages page has them all)."""
    rows = list(
        PersonMessage.objects.filter(appointment__order=order)
        .select_related(*_COLUMNS)
        .order_by("-created_at", "-id")[: PANEL_LIMIT + 1]
    )
    return {
        "template": "notifications/person_messages_panel.html",
        "context": {
            "person_messages": [(row, state_tag(row.state)) for row in rows[:PANEL_LIMIT]],
            "more_messages": len(rows) > PANEL_LIMIT,
            "order": order,
            "letter_states": LETTER_STATES,
        },
    }


@require_http_methods(["GET"])
def person_messages(request, pk):
    """The person's record page "Messages": every message about an appointment of an order
    the user sees, newest first, keyset paged."""
    require(request, Action.VIEW, Kind.ORDER)
    person = person_get_for_user(request, pk)
    queryset = _visible(
        request.user,
        Action.VIEW,
        PersonMessage.objects.filter(person=person).select_related(*_COLUMNS),
    )
    page = keyset_page(
        queryset,
        NEWEST_FIRST,
        page_size=PAGE_SIZE,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    audit_view(request, person, person.pk, "messages to the person")
    rows = [(row, state_tag(row.state)) for row in page.rows]
    return render(
        request,
        "notifications/person_messages.html",
        {"person": person, "page": page, "rows": rows, "letter_states": LETTER_STATES},
    )


def _letter_for(request, pk, action) -> PersonMessage:
    require(request, action, Kind.ORDER)
    queryset = PersonMessage.objects.select_related(
        "person", "person__contact", "appointment", "appointment__order"
    ).filter(pk=pk, channel="letter")
    message = _visible(request.user, action, queryset).first()
    if message is None:
        audit_refusal(request, f"{action} letter out of scope or missing")
        raise Http404("No such letter, or it is outside your caseload.")
    return message


@require_http_methods(["GET"])
def person_letter(request, pk):
    """A letter to the person, laid out to print: their address and the message's text."""
    message = _letter_for(request, pk, Action.VIEW)
    audit_view(request, message, message.person_id, "letter to the person")
    context = {
        "message": message,
        "recipient": message.person,
        "address": getattr(message.person, "contact", None),
        "today": timezone.localdate(),
        "printable": message.state == State.TO_PRINT,
    }
    return render(request, "notifications/person_letter.html", context)


@require_http_methods(["POST"])
def person_letter_printed(request, pk):
    """ "Mark as printed": a letter waiting to be printed becomes printed (once)."""
    message = _letter_for(request, pk, Action.CHANGE)
    marked = PersonMessage.objects.filter(pk=message.pk, state=State.TO_PRINT).update(
        state=State.PRINTED, sent_at=timezone.now()
    )
    if marked:
        audit_request(
            request,
            action=AuditAction.CHANGE,
            obj=message,
            person_id=message.person_id,
            detail="letter marked as printed",
        )
        messages.success(request, "Letter marked as printed")
    else:
        messages.error(request, "This letter is not waiting to be printed")
    return redirect("person_messages:letter", pk=message.pk)
