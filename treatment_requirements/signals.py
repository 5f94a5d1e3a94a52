"""Signals other apps listen to, so this app never imports them (docs/architecture.md).

`appointments_changed` is sent inside the booking, rescheduling or cancelling transaction,
after the appointments are saved: a receiver that writes rows (a message to the person, a
calendar invite to the officer) writes them in the same transaction, so they exist exactly
when the change does, and queues any delivery with `transaction.on_commit`.

Arguments: `change`, `appointments`, `replaced` (the appointment a reschedule moved, else
None), `by` (the user), `send_to_person` (the officer's choice on the form: False when they
chose not to message the person). The changes and their `appointments`:
- "booked": the appointments booked (a series: all of them);
- "rescheduled": the new appointment (`replaced` the old one);
- "cancelled": the appointment withdrawn;
- "handed_over": the order's appointments still to come, now held by the order's new
  responsible officer (sent after the order is saved with them), with `previous_officer`
  (the user who held them);
- "order_ended": the appointments withdrawn because the order ended (nothing to tell the
  person by message: the officer tells them the order has ended).
"""

from django.dispatch import Signal

BOOKED, RESCHEDULED, CANCELLED = "booked", "rescheduled", "cancelled"
HANDED_OVER, ORDER_ENDED = "handed_over", "order_ended"

appointments_changed = Signal()
