"""Events other apps (realtime, collusion) may act on; sent after the transaction commits."""
from django.dispatch import Signal

# kwargs: bid. Sent after a submission (new or replacement) is stored.
bid_submitted = Signal()
