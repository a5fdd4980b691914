"""Check every running or due opening against its time limits; raise supervisor alarms on overruns."""
import time

from django.core.management.base import BaseCommand

from trading.bids.opening import services


class Command(BaseCommand):
    help = "Raise a supervisor alarm for every opening step past its time limit (run from cron, or with --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0,
                            help="keep checking every LOOP seconds instead of once")

    def handle(self, *args, loop=0, **options):
        while True:
            raised = 0
            for tender_id in services.active_tender_ids():
                appended = services.check_time_limits(tender_id)
                raised += len(appended)
                for kind in appended:
                    self.stdout.write(f"tender {tender_id}: {kind}")
            if not loop:
                self.stdout.write(f"{raised} alarm(s) or step change(s).")
                return
            time.sleep(loop)
