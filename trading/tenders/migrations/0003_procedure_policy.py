"""Statutory periods become platform policy per procedure type, stored with each tender at publication.

The policy rows themselves are made after migrate (tenders.apps.ensure_procedure_policies). The
tender's own period fields become optional longer choices (empty: the policy's minimum). Tenders
published before keep their dates; their stored policy is the law's, so a period they ran shorter
than the law now shows red to supervisors instead of green.
"""
from django.db import migrations, models

LAW = dict(document_offer=5, bidding_period=20, clarification_cutoff=15, document_objection_cutoff=10,
           notice_after_report=3, candidate_notice=3, objection_answer=3, justification_answer=2,
           contract_signing=30, min_bids=3, committee_size=5, sittings_per_entity=3, abnormal_price_percent=80)
OF_PROJECT = {"works": "open_works", "goods": "open_goods", "services": "open_services", "land": "land_property",
              "property": "land_property"}
PERIODS = ("document_offer", "bidding_period", "clarification_cutoff", "document_objection_cutoff",
           "notice_after_report", "candidate_notice", "objection_answer", "justification_answer", "contract_signing")
THRESHOLDS = ("min_bids", "committee_size", "sittings_per_entity", "abnormal_price_percent")


def backfill(apps, schema_editor):
    Tender = apps.get_model("tenders", "Tender")
    for tender in Tender.objects.select_related("project"):
        tender.procedure_type = OF_PROJECT[tender.project.project_type]
        for name in ("bidding_period", "document_offer", "clarification_cutoff"):
            if (getattr(tender, name) or 0) <= LAW[name]:
                setattr(tender, name, None)
        if tender.status != "draft":
            tender.policy = {"procedure_type": tender.procedure_type, "training": False,
                             "periods": {name: LAW[name] for name in PERIODS},
                             "thresholds": {name: LAW[name] for name in THRESHOLDS}}
        tender.save(update_fields=["procedure_type", "bidding_period", "document_offer", "clarification_cutoff",
                                   "policy"])


class Migration(migrations.Migration):
    dependencies = [("tenders", "0002_clarification_statuschange_tenderdocument_and_more")]

    operations = [
        migrations.CreateModel(
            name="ProcedurePolicy",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("procedure_type", models.CharField(choices=[
                    ("open_works", "Open tender: works"), ("open_goods", "Open tender: goods"),
                    ("open_services", "Open tender: services"), ("land_property", "Land and property"),
                    ("training", "Demo / training (minutes instead of days)")], max_length=16, unique=True,
                    verbose_name="procedure type")),
                ("enabled", models.BooleanField(default=True, verbose_name="entities may choose it")),
                ("document_offer", models.PositiveIntegerField(verbose_name="documents on offer at least")),
                ("bidding_period", models.PositiveIntegerField(verbose_name="bidding period at least")),
                ("clarification_cutoff", models.PositiveIntegerField(
                    verbose_name="changes of conditions at least ... before the deadline")),
                ("document_objection_cutoff", models.PositiveIntegerField(
                    verbose_name="objections to the documents at least ... before the deadline")),
                ("notice_after_report", models.PositiveIntegerField(
                    default=3, verbose_name="candidate notice within ... of the evaluation report")),
                ("candidate_notice", models.PositiveIntegerField(verbose_name="candidate notice shown at least")),
                ("objection_answer", models.PositiveIntegerField(verbose_name="objections answered within")),
                ("justification_answer", models.PositiveIntegerField(
                    default=2, verbose_name="abnormally low price justified within")),
                ("contract_signing", models.PositiveIntegerField(verbose_name="contract within ... of the award")),
                ("min_bids", models.PositiveSmallIntegerField(verbose_name="minimum number of valid bids")),
                ("committee_size", models.PositiveSmallIntegerField(
                    default=5, verbose_name="evaluation committee members (odd)")),
                ("sittings_per_entity", models.PositiveSmallIntegerField(
                    default=3, verbose_name="sittings of one expert for one entity in 12 months, at most")),
                ("abnormal_price_percent", models.PositiveSmallIntegerField(
                    default=80, verbose_name="abnormally low below this share of the valid bids' mean (%)")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="last changed")),
            ],
            options={"ordering": ["procedure_type"], "verbose_name": "procedure policy",
                     "verbose_name_plural": "procedure policies"},
        ),
        migrations.RenameField("tender", "min_bidding_days", "bidding_period"),
        migrations.RenameField("tender", "min_document_days", "document_offer"),
        migrations.RenameField("tender", "clarification_cutoff_days", "clarification_cutoff"),
        migrations.AlterField("tender", "bidding_period",
                              models.PositiveIntegerField(blank=True, null=True, verbose_name="bidding period")),
        migrations.AlterField("tender", "document_offer",
                              models.PositiveIntegerField(blank=True, null=True,
                                                          verbose_name="documents on offer for")),
        migrations.AlterField("tender", "clarification_cutoff",
                              models.PositiveIntegerField(blank=True, null=True, verbose_name=(
                                  "changes of conditions at least ... before the deadline"))),
        migrations.AddField("tender", "procedure_type", models.CharField(choices=[
            ("open_works", "Open tender: works"), ("open_goods", "Open tender: goods"),
            ("open_services", "Open tender: services"), ("land_property", "Land and property"),
            ("training", "Demo / training (minutes instead of days)")], default="open_works", max_length=16,
            verbose_name="procedure type"), preserve_default=False),
        migrations.AddField("tender", "policy", models.JSONField(blank=True, editable=False, null=True,
                                                                 verbose_name="procedure policy at publication")),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
