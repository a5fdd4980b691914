from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "trading.contracts"
    label = "contracts"
    verbose_name = _("Contracts and post-award checks")

    def ready(self):
        from trading.audit import labels
        from trading.tenders import checkpoints

        from .checkpoints import CHECKPOINTS
        from .labels import ACTION_LABELS

        labels.register(ACTION_LABELS)
        for code, label, source in CHECKPOINTS:
            checkpoints.register(code, label, source)
