"""What the bid security room's audit entries mean, in the reader's language."""
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "deposits.declare": _("Bid security payment declared"),
    "deposits.confirm": _("Bid security receipt confirmed"),
    "deposits.bank_notice": _("Bank notification of bid security received"),
    "deposits.refund": _("Bid security refunded"),
    "deposits.forfeit": _("Bid security forfeited"),
}

# What the opening shows beside an announced bid whose bid security the tender asks for and no one confirmed.
SECURITY_NOT_CONFIRMED = _("Bid security not confirmed")
