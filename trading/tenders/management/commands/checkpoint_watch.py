"""Recompute the checkpoints of every running tender, so a period overrun turns red when it happens."""
import time

from django.core.management.base import BaseCommand

from trading.audit.checkpoints import sign_checkpoint
from trading.notifications.dispatch import dispatch
from trading.tenders import clock
from trading.tenders.checkpoints import refresh_live_tenders


class Command(BaseCommand):
    help = ("Recompute the checkpoints of every running tender (run from cron, or with --loop): a state turns "
            "yellow or red, and is logged, when time says so, even if nobody opens the watch page. Each run also "
            "signs an audit log checkpoint when the log grew, and sends the notifications due.")

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0,
                            help="keep checking every LOOP seconds instead of once")

    def handle(self, *args, loop=0, **options):
        while True:
            checked = refresh_live_tenders()
            signed = sign_checkpoint(clock.now())
            notified = dispatch(clock.now())
            if not loop:
                self.stdout.write(f"{checked} running tender(s) checked.")
                if signed:
                    self.stdout.write(f"Audit log checkpoint signed at {signed.size} entries.")
                self.stdout.write(f"{notified} notification(s) sent.")
                return
            time.sleep(loop)
