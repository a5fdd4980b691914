from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BidsConfig(AppConfig):
    name = "trading.bids"
    label = "bids"
    verbose_name = _("Bids and opening")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the tender signal receivers)
