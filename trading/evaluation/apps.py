from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "trading.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        # The audit log names each action in the reader's language; this app's actions join its table.
        from trading.audit.labels import ACTION_LABELS

        from .labels import AUDIT_LABELS

        ACTION_LABELS.update(AUDIT_LABELS)
