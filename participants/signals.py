from django.dispatch import Signal

# Sent by `services.change_status`, inside its transaction, when a participant withdraws or
# declines, with `participant`, `since` (the aware start of the effective day) and `by`. The
# agenda (a later app, which this one does not import) releases their bookings from `since` on.
participant_left = Signal()
