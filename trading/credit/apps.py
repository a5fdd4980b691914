from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "trading.credit"
    label = "credit"
    verbose_name = _("Credit records and debarment")

    def ready(self):
        from trading.audit import labels

        from .labels import ACTION_LABELS

        labels.register(ACTION_LABELS)
