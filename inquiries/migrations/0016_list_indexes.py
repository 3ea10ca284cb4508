# Issue 9: the supervisor dashboard's lists that name their cases by id, and the referral
# inbox's branches.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0015_statistics_summary"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="inquiry",
            index=models.Index(
                fields=[
                    "id",
                    "handling_department",
                    "receiving_department",
                    "deadline",
                    "received_at",
                ],
                name="inquiry_scope_probe",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("state", "pending")),
                fields=["accept_due", "inquiry"],
                name="referral_pending_due",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                fields=["to_department", "target", "created_at", "id"],
                name="referral_dept_created",
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("waiting_for_absent", True)),
                fields=["to_department"],
                name="referral_waiting_absent",
            ),
        ),
    ]
