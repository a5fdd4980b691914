from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TendersConfig(AppConfig):
    name = "trading.tenders"
    label = "tenders"
    verbose_name = _("Tenders")

    def ready(self):
        from trading.audit import embargo

        from .selectors import sealed_tender_embargoes

        embargo.register("tender", sealed_tender_embargoes)
