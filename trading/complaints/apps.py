from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "trading.complaints"
    label = "complaints"
    verbose_name = _("Questions, objections and complaints")

    def ready(self):
        from trading.audit import labels
        from trading.tenders import checkpoints, holds

        from .checkpoints import CHECKPOINTS
        from .labels import ACTION_LABELS
        from .selectors import holding_reason

        labels.register(ACTION_LABELS)
        holds.register(holding_reason)
        for code, label, source in CHECKPOINTS:
            checkpoints.register(code, label, source)
