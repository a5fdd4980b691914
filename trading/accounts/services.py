from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from trading.audit.services import record
from trading.sealing import new_holder_key

from .models import HolderKey

MIN_PASSPHRASE = 10


def register_holder_key(caller, passphrase):
    """Give an opening official a personal key, locked by a passphrase only they know.

    Registering again replaces the key; shares sealed to the old key can no longer be opened by this user.
    """
    user = caller.user
    if len(passphrase or "") < MIN_PASSPHRASE:
        raise ValidationError({"passphrase": _("The passphrase needs at least %(n)d characters.") % {"n": MIN_PASSPHRASE}})
    public, locked = new_holder_key(passphrase)
    with transaction.atomic():
        key, created = HolderKey.objects.update_or_create(
            user=user, defaults={"public_key": public, "locked_private_key": locked})
        record(caller, "accounts.register_holder_key", key, replaced=not created)
    return key
