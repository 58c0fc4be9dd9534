"""An import whose preview changes nothing does not wait as 待确认: it ends as 无变化 at once,
says so on its page without a 确认导入 button, and batches left waiting from before are finished
by the data migration."""

import importlib

from django.apps import apps as django_apps
from django.urls import reverse

from apps.imports.models import BatchStatus, ImportBatch
from apps.imports.services import import_batch_commit

from .test_plan_import import preview, row
from .workbooks import PLAN_HEADER, xlsx

TITLE = ["示范市2026年重点项目计划表"]


def test_an_unchanged_import_ends_as_no_change_and_says_so(client, people, admin):
    import_batch_commit(actor=admin, batch_id=preview(admin, xlsx([TITLE, PLAN_HEADER, row()])).pk)
    again = preview(admin, xlsx([TITLE, PLAN_HEADER, row()]))
    assert again.status == BatchStatus.NO_CHANGE and not again.can_commit
    client.force_login(admin)
    html = client.get(reverse("imports:detail", args=[again.pk])).content.decode()
    assert 'id="no-change"' in html and "无需确认" in html and 'id="commit"' not in html
    assert "待确认" not in client.get(reverse("imports:list")).content.decode()


def test_batches_left_waiting_unchanged_are_finished_by_the_migration(people, admin):
    changed = preview(admin, xlsx([TITLE, PLAN_HEADER, row()]))
    assert changed.status == BatchStatus.PREVIEWED
    stuck = ImportBatch.objects.create(
        kind="plan",
        user=admin,
        file_name="旧批次.xlsx",
        file_size=1,
        sha256="0" * 64,
        content=b"x",
        request_id="old",
        status=BatchStatus.PREVIEWED,
        rows_total=3,
        rows_unchanged=3,
    )
    migration = importlib.import_module("apps.imports.migrations.0006_unchanged_batches_finish")
    migration.finish_unchanged(django_apps, None)
    stuck.refresh_from_db()
    changed.refresh_from_db()
    assert stuck.status == BatchStatus.NO_CHANGE and "无变化" in stuck.message
    assert changed.status == BatchStatus.PREVIEWED  # a batch with changes still waits for its confirmation
