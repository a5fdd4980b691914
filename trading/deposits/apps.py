from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepositsConfig(AppConfig):
    name = "trading.deposits"
    label = "deposits"
    verbose_name = _("Bid security")

    def ready(self):
        from trading.audit import labels
        from trading.bids.opening import marks
        from trading.tenders import checkpoints

        from .checkpoints import CHECKPOINTS
        from .labels import ACTION_LABELS, SECURITY_NOT_CONFIRMED
        from .selectors import security_missing

        labels.register(ACTION_LABELS)
        # The opening marks every announced bid whose bid security is not confirmed (bids imports no deposits).
        marks.register("security_not_confirmed", SECURITY_NOT_CONFIRMED, security_missing)
        for code, label, source in CHECKPOINTS:
            checkpoints.register(code, label, source)
