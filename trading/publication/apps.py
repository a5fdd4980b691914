from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    name = "trading.publication"
    label = "publication"
    verbose_name = _("Public statistics and the integrity index")

    def ready(self):
        from trading.audit import labels

        from .labels import ACTION_LABELS

        labels.register(ACTION_LABELS)
