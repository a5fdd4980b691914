from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardConfig(AppConfig):
    name = "trading.award"
    label = "award"
    verbose_name = _("Candidate notice and award")

    def ready(self):
        from trading.audit import labels
        from trading.tenders import checkpoints

        from .checkpoints import CHECKPOINTS
        from .labels import ACTION_LABELS

        labels.register(ACTION_LABELS)
        for code, label, source in CHECKPOINTS:
            checkpoints.register(code, label, source)
