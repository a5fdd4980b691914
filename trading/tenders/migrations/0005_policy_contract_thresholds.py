"""The contract room's thresholds join the procedure policy: the cumulative change of a contract's price by
amendments (at most 10%, Government Procurement Law art. 49) and the project manager's attendance rate on site."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("tenders", "0004_retender_and_lot_failure"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedurepolicy",
            name="amendment_price_percent",
            field=models.PositiveSmallIntegerField(
                default=10, verbose_name="contract price changed by amendments, in all, at most (%)"),
        ),
        migrations.AddField(
            model_name="procedurepolicy",
            name="attendance_percent",
            field=models.PositiveSmallIntegerField(
                default=80, verbose_name="project manager's attendance on site, at least (%)"),
        ),
    ]
