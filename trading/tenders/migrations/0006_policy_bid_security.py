"""Bid security joins the procedure policy: its amount at most a share of the estimate (2% by Implementing
Regulations art. 26) and its refund within days of the contract (5 by art. 57)."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("tenders", "0005_policy_contract_thresholds"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedurepolicy",
            name="security_refund",
            field=models.PositiveIntegerField(default=5,
                                              verbose_name="bid security refunded within ... of the contract"),
        ),
        migrations.AddField(
            model_name="procedurepolicy",
            name="bid_security_percent",
            field=models.PositiveSmallIntegerField(
                default=2, verbose_name="bid security at most this share of the estimate (%)"),
        ),
    ]
