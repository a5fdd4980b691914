"""The tendering threshold joins the procedure policy: projects must be tendered from an estimate of 4 million yuan
(works), 2 million (goods), 1 million (services) by NDRC Order No. 16 (2018) art. 5; in 10,000 yuan. Existing
policy rows take the law's value of their procedure type."""
from django.db import migrations, models

LAW = {"open_works": 400, "open_goods": 200, "open_services": 100}


def the_law(apps, schema_editor):
    ProcedurePolicy = apps.get_model("tenders", "ProcedurePolicy")
    for procedure_type, value in LAW.items():
        ProcedurePolicy.objects.filter(procedure_type=procedure_type).update(tendering_threshold=value)


class Migration(migrations.Migration):

    dependencies = [
        ("tenders", "0007_policy_complaint_periods"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedurepolicy",
            name="tendering_threshold",
            field=models.PositiveIntegerField(
                default=400, verbose_name="projects must be tendered from this estimate (10,000 yuan)"),
        ),
        migrations.RunPython(the_law, migrations.RunPython.noop),
    ]
