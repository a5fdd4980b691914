from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from trading.audit.models import AuditEntry
from trading.audit.selectors import verify_chain


class Command(BaseCommand):
    help = _("Audit log tools. 'audit verify' checks the hash chain and exits non-zero if it was tampered with.")

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["verify"])

    def handle(self, *args, **options):
        problems = verify_chain()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(_("audit log FAILED verification: %(n)d problem(s)") % {"n": len(problems)})
        self.stdout.write(_("audit log OK: %(n)d entries, chain intact") % {"n": AuditEntry.objects.count()})
