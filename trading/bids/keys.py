"""Tender keys: made at publication, split among the opening officials."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from trading import sealing
from trading.accounts.models import HolderKey

from .models import KeyShare, TenderKey


def create_tender_key(tender, key_holders, threshold):
    """Store the tender's public key and one share per holder, sealed to the holder's personal key.

    The private key exists only inside `sealing.new_tender_key` and leaves it as shares.
    """
    holders = list({user.pk: user for user in key_holders}.values())
    if not holders:
        raise ValidationError({"key_holders": _("Name the opening officials who will hold the key shares.")})
    keys = {key.user_id: key for key in HolderKey.objects.filter(user__in=holders)}
    without = [user.get_username() for user in holders if user.pk not in keys]
    if without:
        raise ValidationError({"key_holders": _(
            "These officials have no personal key yet and must register one before publication: %(names)s."
        ) % {"names": ", ".join(without)}})
    if not isinstance(threshold, int) or not 1 <= threshold <= len(holders):
        raise ValidationError({"threshold": _("The number of shares needed must be between 1 and %(n)d.")
                               % {"n": len(holders)}})
    if TenderKey.objects.filter(tender=tender).exists():
        raise ValidationError({"tender": _("This tender already has a key.")})
    public, sealed_shares = sealing.new_tender_key([bytes(keys[u.pk].public_key) for u in holders], threshold)
    tender_key = TenderKey.objects.create(tender=tender, public_key=public, threshold=threshold)
    KeyShare.objects.bulk_create(
        KeyShare(tender_key=tender_key, holder=user, sealed_share=share) for user, share in zip(holders, sealed_shares)
    )
    return tender_key
