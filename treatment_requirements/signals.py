"""Signals other apps listen to, so this app never imports them (docs/architecture.md).

`appointments_changed` is sent inside the booking, rescheduling or cancelling transaction,
after the appointments are saved: a receiver that writes rows (a message to the person, a
calendar invite to the officer) writes them in the same transaction, so they exist exactly
when the change does, and queues any delivery with `transaction.on_commit`.

Arguments: `change` ("booked", "rescheduled" or "cancelled"), `appointments` (the booked or
new appointments; the cancelled one), `replaced` (the appointment a reschedule moved, else
None), `by` (the user), `send_to_person` (the officer's choice on the form: False when they
chose not to message the person).
"""

from django.dispatch import Signal

BOOKED, RESCHEDULED, CANCELLED = "booked", "rescheduled", "cancelled"

appointments_changed = Signal()
