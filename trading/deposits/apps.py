from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepositsConfig(AppConfig):
    name = "trading.deposits"
    label = "deposits"
    verbose_name = _("Bid security")

    def ready(self):
        from trading.audit import labels
        from trading.tenders import checkpoints

        from .checkpoints import CHECKPOINTS
        from .labels import ACTION_LABELS

        labels.register(ACTION_LABELS)
        for code, label, source in CHECKPOINTS:
            checkpoints.register(code, label, source)
