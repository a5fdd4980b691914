"""Events that later apps act on inside the accounts' own transactions (accounts never imports them)."""
from django.dispatch import Signal

# Sent inside register_holder_key's transaction when a holder replaces a personal key: kwargs user,
# old_private_key (bytes, unlocked with the old passphrase, in memory only), new_public_key (bytes).
# The bids app re-seals the holder's key shares to the new key; a receiver that raises aborts the
# change, and the old key stays.
holder_key_replaced = Signal()

# Sent before a role or membership change is asked or applied: kwargs user. Receivers return a list of
# sentences naming the parts the user holds that the change would put in conflict (e.g. a key share of a
# tender not yet opened, which an expert drawn to evaluate it must not hold); any sentence refuses the change.
role_change_conflicts = Signal()
