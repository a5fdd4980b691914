from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "trading.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        from trading.audit import labels

        from .labels import AUDIT_LABELS

        labels.register(AUDIT_LABELS)
