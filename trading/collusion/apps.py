from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollusionConfig(AppConfig):
    name = "trading.collusion"
    label = "collusion"
    verbose_name = _("Collusion")
