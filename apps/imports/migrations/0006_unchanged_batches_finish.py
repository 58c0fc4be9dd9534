"""Batches previewed before 无变化 existed, whose preview changes nothing, no longer wait as
待确认: they end as 无变化 like new ones (nothing was ever written by them)."""

from django.db import migrations

MESSAGE = "文件与系统中的数据一致，无变化，无需导入。"


def finish_unchanged(apps, schema_editor):
    ImportBatch = apps.get_model("imports", "ImportBatch")
    ImportBatch.objects.filter(status="previewed", rows_new=0, rows_changed=0, rows_error=0).update(
        status="nochange", message=MESSAGE
    )


class Migration(migrations.Migration):
    dependencies = [("imports", "0005_importbatch_kind_leads")]

    operations = [migrations.RunPython(finish_unchanged, migrations.RunPython.noop)]
