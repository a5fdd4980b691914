"""Repair text stored before the strict-input checks: `python manage.py repair_text [--dry-run]`.

Before trading.middleware.HostileInputMiddleware refused them, a JSON body could store a lone
surrogate ("\\ud800", a code point that is not a character) in a text or JSON column on SQLite,
for example as a scoring-weight key. Such a row cannot be encoded as UTF-8, so every page and API
answer that shows it failed with a 500 (GET /api/tenders/ for everyone, once one tender held it).
This command replaces each lone surrogate with U+FFFD (the replacement character) in every text and
JSON column of every model, and says which rows it changed. The audit log is left alone: its entries
are hash-chained (the page shows them escaped, so they never failed).
"""
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction

from trading import strictjson

SKIP_APPS = {"audit", "contenttypes", "sessions", "admin"}


class Command(BaseCommand):
    help = "Replace lone surrogates stored in text and JSON columns with U+FFFD (exit 0; --dry-run changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only list what would change")

    def handle(self, *args, **options):
        changed = 0
        for model in apps.get_models():
            meta = model._meta
            if meta.app_label in SKIP_APPS or not meta.managed or meta.proxy:
                continue
            fields = [f.attname for f in meta.concrete_fields
                      if isinstance(f, (models.CharField, models.TextField, models.JSONField))]
            if not fields:
                continue
            for row in model._base_manager.values("pk", *fields).iterator():
                repaired = {name: strictjson.scrub_value(value) for name, value in row.items() if name != "pk"}
                repaired = {name: value for name, value in repaired.items() if value != row[name]}
                if not repaired:
                    continue
                changed += 1
                self.stdout.write(f"{meta.label} {row['pk']}: {', '.join(sorted(repaired))}")
                if not options["dry_run"]:
                    with transaction.atomic():
                        model._base_manager.filter(pk=row["pk"]).update(**repaired)
        verb = "would repair" if options["dry_run"] else "repaired"
        self.stdout.write(f"{verb} {changed} row(s)")
