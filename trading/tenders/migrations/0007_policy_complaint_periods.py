"""Complaints to the supervising department join the procedure policy (Implementing Regulations art. 60-61): the
complainant's window from knowing (at least 10 days), acceptance or refusal within 3 working days, the decision
within 30 working days. The training row counts minutes like its other periods."""
from django.db import migrations, models

TRAINING = {"complaint_window": 10, "complaint_acceptance": 5, "complaint_decision": 15}


def training_minutes(apps, schema_editor):
    apps.get_model("tenders", "ProcedurePolicy").objects.filter(procedure_type="training").update(**TRAINING)


class Migration(migrations.Migration):

    dependencies = [
        ("tenders", "0006_policy_bid_security"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedurepolicy",
            name="complaint_window",
            field=models.PositiveIntegerField(
                default=10, verbose_name="complaints to the supervising department within ... of knowing"),
        ),
        migrations.AddField(
            model_name="procedurepolicy",
            name="complaint_acceptance",
            field=models.PositiveIntegerField(default=3,
                                              verbose_name="complaints accepted or refused within (working days)"),
        ),
        migrations.AddField(
            model_name="procedurepolicy",
            name="complaint_decision",
            field=models.PositiveIntegerField(default=30, verbose_name="complaints decided within (working days)"),
        ),
        migrations.RunPython(training_minutes, migrations.RunPython.noop),
    ]
