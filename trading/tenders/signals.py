"""Events that later apps (bids) act on inside the tenders' own transactions.

They keep the import direction one way: tenders never imports bids.
"""
from django.dispatch import Signal

# Sent inside publish_tender's transaction: kwargs tender, key_holders (list of users
# holding HolderKeys), threshold (k), caller. A receiver that raises aborts the publication.
tender_published = Signal()

# Sent inside the clarification's transaction when the conditions change: kwargs tender,
# caller. Submitted bids must then be confirmed again by their bidders.
conditions_changed = Signal()
