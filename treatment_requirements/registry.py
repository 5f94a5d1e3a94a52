"""Extension points through which apps to the right of this one add to the order's screens
without this app importing them (docs/architecture.md); register from AppConfig.ready:

- `register_message_preview(func)`: func(*, order, change, starts_at, location, recurrence,
  count) returns a dict describing the message the person would get about a booking
  (change "booked") or a move ("rescheduled"): "name", "channel", "detail" (masked),
  "will_send", "why_not", "body", "subject", "reminder". The booking and rescheduling
  screens show it (treatment_requirements/_message_preview.html) with the officer's choice
  to send it (`forms.message_choice`); notifications fills it in.
- `register_order_panel(func)`: func(request, order) returns None or a dict
  {"template": ..., "context": {...}}; the order page includes each template, in
  registration order, after its appointments.
"""

from collections.abc import Callable

MessagePreview = Callable[..., dict]
OrderPanel = Callable[[object, object], dict | None]
_MESSAGE_PREVIEWS: list[MessagePreview] = []
_ORDER_PANELS: list[OrderPanel] = []


def register_message_preview(func: MessagePreview) -> MessagePreview:
    """The one function that previews messages to the person (a second replaces it)."""
    _MESSAGE_PREVIEWS[:] = [func]
    return func


def message_preview(**kwargs) -> dict | None:
    """The registered preview, or None when no app sends the person messages."""
    return _MESSAGE_PREVIEWS[0](**kwargs) if _MESSAGE_PREVIEWS else None


def register_order_panel(func: OrderPanel) -> OrderPanel:
    if func not in _ORDER_PANELS:
        _ORDER_PANELS.append(func)
    return func


def order_panels(request, order) -> list[dict]:
    return [panel for func in _ORDER_PANELS if (panel := func(request, order))]
