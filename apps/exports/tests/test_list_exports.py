"""The approval lists, the change log and the import batches export through the one list export
(apps/exports/lists.py): rows equal the list's (filters and the user's scope), out-of-scope rows
absent, every export recorded."""

import pytest
from django.db import transaction
from django.urls import reverse

from apps.accounts.models import Role
from apps.approvals.models import ItemStatus
from apps.approvals.tests.factories import ItemFactory
from apps.audit.models import ChangeAction
from apps.audit.services import change_record_write
from apps.exports.models import ExportRecord
from apps.imports.models import ImportBatch

from .sheets import body, rows

pytestmark = pytest.mark.django_db


def data_rows(client, url: str, query: str = "") -> list[list]:
    response = client.get(reverse(url, args=["xlsx"]) + query)
    assert response.status_code == 200, response.status_code
    return [row for row in rows(body(response)) if isinstance(row[0], int | float) and row[0] >= 1]


def test_approval_worklist_and_overdue_export_the_departments_items(client, world):
    mine = ItemFactory(project=world.p_a, department=world.dept, status=ItemStatus.ACCEPTED)
    other = ItemFactory(project=world.p_c, department=world.other_dept, status=ItemStatus.ACCEPTED)
    client.force_login(world.users[Role.DEPARTMENT_USER])
    page = client.get(reverse("approvals:worklist"))
    assert reverse("approvals:worklist_export", args=["xlsx"]) in page.content.decode()
    got = data_rows(client, "approvals:worklist_export")
    assert [row[4] for row in got] == [mine.item_type.name]
    assert other.item_type.name not in [row[4] for row in got]
    assert len(got) == page.context["page"].paginator.count
    client.force_login(world.users[Role.CITY_ADMIN])
    both = data_rows(client, "approvals:worklist_export")
    assert sorted(row[4] for row in both) == sorted([mine.item_type.name, other.item_type.name])
    filtered = data_rows(client, "approvals:worklist_export", f"?department={world.other_dept.pk}")
    assert [row[4] for row in filtered] == [other.item_type.name]
    assert data_rows(client, "approvals:overdue_export") == []  # nothing is past its due date


def _record(instance, project_id):
    with transaction.atomic():
        change_record_write(
            actor=None,
            action=ChangeAction.UPDATE,
            instance=instance,
            before={"name": "旧"},
            after={"name": instance.name},
            project_id=project_id,
        )


def test_change_log_exports_what_the_user_may_see(client, world):
    _record(world.p_a, world.p_a.pk)
    _record(world.p_c, world.p_c.pk)
    client.force_login(world.users[Role.AUDITOR])
    assert sorted(row[5] for row in data_rows(client, "audit:export")) == ["乙县学校", "甲区快速路"]
    assert data_rows(client, "audit:export", "?action=create") == []
    assert data_rows(client, "audit:export", "?date_from=2026-02-30")  # an impossible date filters nothing
    client.force_login(world.users[Role.COUNTY_USER])
    assert [row[5] for row in data_rows(client, "audit:export")] == ["甲区快速路"]
    assert ExportRecord.objects.latest("id").row_count == 1


def test_import_batches_export_the_users_own(client, world):
    def batch(user, name):
        return ImportBatch.objects.create(
            kind="plan", user=user, file_name=name, file_size=1, sha256="0" * 64, content=b"x", request_id=name
        )

    batch(world.users[Role.COUNTY_USER], "甲区计划.xlsx")
    batch(world.users[Role.OWNER_REPORTER], "月报.xlsx")
    client.force_login(world.users[Role.COUNTY_USER])
    assert [row[3] for row in data_rows(client, "imports:export")] == ["甲区计划.xlsx"]
    assert reverse("imports:export", args=["xlsx"]) in client.get(reverse("imports:list")).content.decode()
    client.force_login(world.users[Role.AUDITOR])
    assert sorted(row[3] for row in data_rows(client, "imports:export")) == ["月报.xlsx", "甲区计划.xlsx"]
