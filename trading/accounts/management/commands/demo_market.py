from django.core.management.base import BaseCommand, CommandError

from fixtures import demo


class Command(BaseCommand):
    help = ("Load the demo market: 240 contractors, 1,100 past tenders over three years with two planted cartels, "
            "demo users of every role and live tenders in every state.")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing (and succeed) when the database already holds data")
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--contractors", type=int, default=240)
        parser.add_argument("--tenders", type=int, default=1100)
        parser.add_argument("--no-live", action="store_true", help="history and users only")

    def handle(self, *args, if_empty, seed, contractors, tenders, no_live, **options):
        if not demo.database_is_empty():
            if if_empty:
                self.stdout.write("The database already holds data; the demo market is not loaded again.")
                return
            raise CommandError("The database already holds data; load the demo into an empty database "
                               "(or pass --if-empty to skip quietly).")
        if contractors < 20 or tenders < 50:
            raise CommandError("The demo needs at least 20 contractors and 50 tenders.")
        self.stdout.write(f"Loading the demo market (seed {seed})...")
        loaded = demo.load(seed=seed, contractors=contractors, tenders=tenders, live=not no_live,
                           log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(
            f"Demo market loaded in {loaded.seconds:.1f} s: {loaded.contractors} contractors, {loaded.tenders} past "
            f"tenders, {loaded.bids} opened bids, {loaded.live} live tenders."))
