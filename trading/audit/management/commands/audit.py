import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from trading import platform_key
from trading.audit import checkpoints
from trading.audit.models import AuditCheckpoint, AuditEntry
from trading.audit.selectors import verify_chain
from trading.tenders import clock


class Command(BaseCommand):
    help = _("Audit log tools. 'audit verify' checks the hash chain and the signed checkpoints (the stored ones, and "
             "those saved from the public page with --checkpoints FILE) and exits non-zero if the log was tampered "
             "with; 'audit checkpoint' signs one now.")

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["verify", "checkpoint"])
        parser.add_argument("--checkpoints", help=_("A JSON file of published checkpoints (as /api/audit/checkpoints/ "
                                                    "gives them) to check the log against."))
        parser.add_argument("--public-key", help=_("The pinned platform public key (hex); default: this "
                                                   "installation's."))

    def handle(self, *args, **options):
        if options["subcommand"] == "checkpoint":
            made = checkpoints.sign_checkpoint(clock.now())
            self.stdout.write(_("checkpoint signed: %(n)d entries") % {"n": made.size} if made
                              else _("no new entries since the last checkpoint"))
            return
        published = [checkpoints.as_published(c) for c in AuditCheckpoint.objects.all()]
        if options["checkpoints"]:
            published += self._read(options["checkpoints"])
        problems = verify_chain() + checkpoints.problems(published, options["public_key"] or platform_key.public_key())
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(_("audit log FAILED verification: %(n)d problem(s)") % {"n": len(problems)})
        self.stdout.write(_("audit log OK: %(n)d entries, chain intact, %(c)d signed checkpoints agree") % {
            "n": AuditEntry.objects.count(), "c": len(published)})

    def _read(self, path):
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as error:
            raise CommandError(_("cannot read the checkpoints file: %(error)s") % {"error": error}) from None
        if isinstance(data, dict):
            data = data.get("checkpoints", [])
        if not isinstance(data, list):
            raise CommandError(_("the checkpoints file holds no list of checkpoints"))
        return data
