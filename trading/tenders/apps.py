from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TendersConfig(AppConfig):
    name = "trading.tenders"
    label = "tenders"
    verbose_name = _("Tenders")

    def ready(self):
        from trading.audit import embargo

        from .selectors import sealed_tender_embargoes

        embargo.register("tender", sealed_tender_embargoes)
        post_migrate.connect(ensure_procedure_policies, sender=self)


def ensure_procedure_policies(sender, using="default", **kwargs):
    """Every procedure type has its policy row, with the law's values until an administrator changes them.

    After migrate, and after a test database flush too (which empties tables but keeps the schema).
    """
    from .models import ProcedurePolicy, ProcedureType
    from .rules import initial_policy

    for procedure in ProcedureType:
        ProcedurePolicy.objects.using(using).get_or_create(
            procedure_type=procedure, defaults=initial_policy(procedure == ProcedureType.TRAINING,
                                                                          procedure))
