"""Bids act on tender events inside the tenders' transactions (tenders never imports bids)."""
from django.dispatch import receiver

from trading.tenders.signals import conditions_changed, tender_published

from .keys import create_tender_key
from .services import require_reconfirmation


@receiver(tender_published, dispatch_uid="bids.create_tender_key")
def on_tender_published(sender, tender, key_holders, threshold, caller=None, **kwargs):
    create_tender_key(tender, key_holders, threshold)


@receiver(conditions_changed, dispatch_uid="bids.require_reconfirmation")
def on_conditions_changed(sender, tender, caller=None, **kwargs):
    require_reconfirmation(tender)
