"""Publish the OCDS release of every public tender whose data changed since its last release.

Releases are published after each change's commit; run this after an import and from the scheduler (like
checkpoint_watch) to catch what was written in bulk or missed when a worker stopped. Idempotent.
"""
from django.core.management.base import BaseCommand

from trading.opendata.services import publish_all


class Command(BaseCommand):
    help = "Publish the OCDS release of every public tender whose data changed since its last release."

    def add_arguments(self, parser):
        parser.add_argument("--new-only", action="store_true",
                            help="Only tenders never published (quick: after loading or importing history).")

    def handle(self, *args, **options):
        count = publish_all(new_only=options["new_only"])
        self.stdout.write(f"{count} release(s) published")
