from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "trading.experts"
    label = "experts"
    verbose_name = _("Evaluation experts")

    def ready(self):
        from trading.audit import embargo, labels

        from . import receivers  # noqa: F401  (connects the tender signal receivers)
        from .labels import ACTION_LABELS
        from .selectors import committee_embargoes

        # Who sits on a committee stays out of the log until the candidate notice.
        embargo.register("committee", committee_embargoes)
        labels.register(ACTION_LABELS)
