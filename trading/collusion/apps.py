from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollusionConfig(AppConfig):
    name = "trading.collusion"
    label = "collusion"
    verbose_name = _("Collusion")

    def ready(self):
        from django.db import transaction
        from django.db.models.signals import post_save

        from trading.audit import labels
        from trading.bids.opening.models import OpeningRecord

        labels.register({"collusion.opening_risk": _("Tender scored for collusion at its opening")})

        def opening_record_signed(sender, instance, created, **kwargs):
            if created:
                from .services import on_opening_record

                tender_id = instance.tender_id
                transaction.on_commit(lambda: on_opening_record(tender_id))

        post_save.connect(opening_record_signed, sender=OpeningRecord, weak=False,
                          dispatch_uid="collusion-opening-risk")
