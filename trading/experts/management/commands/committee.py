from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from trading.experts.selectors import verify_committee
from trading.tenders.models import Tender


class Command(BaseCommand):
    help = _("Committee tools. 'committee verify <tender-id>' re-runs every recorded draw of the tender's committee "
             "from its seed and exits non-zero if anything differs.")

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["verify"])
        parser.add_argument("tender", type=int)

    def handle(self, *args, **options):
        tender = Tender.objects.filter(pk=options["tender"]).first()
        if tender is None:
            raise CommandError(_("No such tender."))
        problems = verify_committee(tender)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(_("committee of %(tender)s FAILED verification: %(n)d problem(s)")
                               % {"tender": tender.reference, "n": len(problems)})
        self.stdout.write(_("committee of %(tender)s OK: every draw gives the same experts again")
                          % {"tender": tender.reference})
