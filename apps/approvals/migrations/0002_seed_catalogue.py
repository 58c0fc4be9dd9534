"""Seed the catalogue of approval item types (apps/approvals/catalogue.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from apps.approvals.catalogue import catalogue_seed

    catalogue_seed(apps.get_model("approvals", "ApprovalItemType"), apps.get_model("regions", "Organisation"))


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial"), ("regions", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
