"""Recompute the checkpoints of tenders whose contracts are still open, completed tenders included.

`checkpoint_watch` leaves complete tenders alone; their contracts still run (final accounts, the retention money
after the warranty), so this command follows them until each contract is closed."""
from django.core.management.base import BaseCommand

from trading.tenders.checkpoints import refresh_checkpoints
from trading.tenders.models import Tender

from ...models import Contract, ContractStatus


class Command(BaseCommand):
    help = "Recompute the checkpoints of every tender with a contract not yet closed (run from cron)."

    def handle(self, *args, **options):
        open_tenders = Contract.objects.exclude(status=ContractStatus.CLOSED).values("tender_id")
        count = 0
        for tender in Tender.objects.filter(pk__in=open_tenders).prefetch_related("status_changes", "clarifications"):
            refresh_checkpoints(tender)
            count += 1
        self.stdout.write(f"{count} tender(s) with open contracts checked.")
