"""The experts app acts on tender events inside the tenders' transactions (tenders never imports experts)."""
from django.dispatch import receiver

from trading.accounts.caller import Caller
from trading.tenders.signals import tender_published

from .services import commit_draw


@receiver(tender_published, dispatch_uid="experts.commit_draw")
def on_tender_published(sender, tender, caller=None, **kwargs):
    commit_draw(caller or Caller.system(), tender)
