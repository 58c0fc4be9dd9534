"""Monthly reports partitioned by year on PostgreSQL (apps/reporting/partitions.py says
what changes and why); SQLite and Django's model state are unchanged."""

from django.db import migrations

from apps.reporting import partitions


class Migration(migrations.Migration):
    # The table is rebuilt in the migration's transaction.
    dependencies = [
        ("reporting", "0006_merge_0005_report_photo_0005_submitted_index"),
    ]

    operations = [
        migrations.RunPython(partitions.partition_table, partitions.unpartition_table, elidable=False),
    ]
