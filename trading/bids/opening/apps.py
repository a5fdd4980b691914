from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpeningConfig(AppConfig):
    name = "trading.bids.opening"
    label = "opening"
    verbose_name = _("Opening ceremony")

    def ready(self):
        from trading.audit import labels

        from .labels import AUDIT_LABELS

        labels.register(AUDIT_LABELS)
