"""Tender keys: made at publication, split among the opening officials."""
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils.translation import gettext as _

from trading import sealing
from trading.accounts.models import HolderKey
from trading.accounts.signals import holder_key_replaced, role_change_conflicts
from trading.tenders.models import TenderStatus

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
    # The platform's key policy, again here (whoever calls): at least two shares to open, one holder to spare.
    if not isinstance(threshold, int) or not 2 <= threshold <= len(holders) - 1:
        raise ValidationError({"threshold": _("The number of shares needed must be at least 2 and less than the "
                                              "number of holders (%(n)d), so no one opens alone and one lost key "
                                              "locks nothing.") % {"n": len(holders)}})
    if TenderKey.objects.filter(tender=tender).exists():
        raise ValidationError({"tender": _("This tender already has a key.")})
    public, sealed_shares = sealing.new_tender_key([bytes(keys[u.pk].public_key) for u in holders], threshold)
    tender_key = TenderKey.objects.create(tender=tender, public_key=public, threshold=threshold)
    KeyShare.objects.bulk_create(
        KeyShare(tender_key=tender_key, holder=user, sealed_share=share) for user, share in zip(holders, sealed_shares)
    )
    return tender_key


@receiver(holder_key_replaced, dispatch_uid="bids.reseal_key_shares")
def reseal_key_shares(sender, user, old_private_key, new_public_key, **kwargs):
    """Open each of the holder's shares with the old key and seal it to the new one; return how many.

    Runs in the key change's transaction: if one share does not open, nothing is changed (the old
    key and every share stay as they were). The share itself (its index and value) does not change,
    so the tender's k-of-n stays whole and its public key stays valid.
    """
    shares = list(KeyShare.objects.select_for_update().filter(holder=user))
    for share in shares:
        try:
            opened = sealing.unseal(old_private_key, bytes(share.sealed_share))
        except sealing.SealingError:
            raise ValidationError({"old_passphrase": _(
                "A key share of tender %(tender)s does not open with your current key, so your key was not "
                "replaced. Ask the platform's security officer.") % {"tender": share.tender_key.tender.reference}}) from None
        share.sealed_share = sealing.seal(new_public_key, opened)
    KeyShare.objects.bulk_update(shares, ["sealed_share"])
    return len(shares)


@receiver(role_change_conflicts, dispatch_uid="bids.key_share_conflicts")
def key_share_conflicts(sender, user, **kwargs):
    """A holder of a key share of a tender not yet opened keeps their role and organisation until it is opened:
    as an expert (drawn to evaluate), a bidder or an official of another organisation, they would hold two
    conflicting parts in one tender, and their share would leave the entity's control."""
    live = (TenderStatus.PUBLISHED, TenderStatus.BIDDING_CLOSED, TenderStatus.OPENING)
    references = sorted(KeyShare.objects.filter(holder=user, tender_key__revealed_private_key__isnull=True,
                                                tender_key__tender__status__in=live)
                        .values_list("tender_key__tender__reference", flat=True))
    if not references:
        return []
    return [_("%(user)s holds a key share of tenders not yet opened (%(tenders)s): their role or organisation "
              "cannot change before those openings, or they would hold two conflicting parts in one tender.") % {
                  "user": user.get_username(), "tenders": ", ".join(references)}]
