import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.projects import services
from apps.regions.models import Organisation
from tests import factories as f


@pytest.fixture
def staff_client(client, world):
    admin = world.users[Role.CITY_ADMIN]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def test_admin_edit_of_reference_data_is_recorded(staff_client, world):
    url = reverse("admin:regions_organisation_change", args=[world.dept.pk])
    response = staff_client.post(
        url,
        {
            "name": "市交通运输局",
            "short_name": "交通局",
            "kind": "department",
            "credit_code": "",
            "region": world.city.pk,
        },
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 302
    record = ChangeRecord.objects.get(content_type__model="organisation")
    assert record.action == "update" and record.client_ip == "192.0.2.7"
    assert record.before["short_name"] == "" and record.after["short_name"] == "交通局"


def test_admin_create_and_delete_are_recorded(staff_client, world):
    add = staff_client.post(
        reverse("admin:regions_organisation_add"),
        {"name": "市统计局", "short_name": "", "kind": "department", "credit_code": "", "region": world.city.pk},
    )
    assert add.status_code == 302
    org = Organisation.objects.get(name="市统计局")
    delete = staff_client.post(reverse("admin:regions_organisation_delete", args=[org.pk]), {"post": "yes"})
    assert delete.status_code == 302
    actions = list(ChangeRecord.objects.filter(object_id=org.pk).order_by("id").values_list("action", flat=True))
    assert actions == ["create", "delete"]


def test_admin_refuses_an_invalid_credit_code(staff_client, world):
    response = staff_client.post(
        reverse("admin:regions_organisation_add"),
        {"name": "某公司", "kind": "owner_unit", "credit_code": "91610300000000001X", "region": world.city.pk},
    )
    assert response.status_code == 200
    assert "统一社会信用代码校验位错误" in response.content.decode()
    assert not ChangeRecord.objects.exists()


def test_change_log_query_count_is_flat(client, world):
    admin = world.users[Role.CITY_ADMIN]
    client.force_login(world.users[Role.AUDITOR])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("audit:list")).status_code == 200
        return len(ctx.captured_queries)

    services.project_update(
        actor=admin, project_id=world.p_a.pk, expected_version=1, fields={"owner_unit": world.other_owner}
    )
    small = queries()
    for _ in range(20):
        project = f.ProjectFactory(region=world.county_b, owner_unit=world.other_owner)
        services.project_update(
            actor=admin, project_id=project.pk, expected_version=1, fields={"owner_unit": world.owner}
        )
    assert queries() == small


def test_change_log_filters_by_request_id(client, world):
    admin = world.users[Role.CITY_ADMIN]
    client.force_login(admin)
    client.post(
        reverse("projects:child_create", args=[world.p_a.pk, "milestones"]),
        {"sequence": 1, "name": "环评批复", "baseline_date": "2026-08-01"},
        HTTP_X_REQUEST_ID="trace-1",
    )
    body = client.get(reverse("audit:list"), {"request_id": "trace-1"}).content.decode()
    assert "环评批复" in body and "共 1 条" in body
    assert "共 0 条" in client.get(reverse("audit:list"), {"request_id": "nope"}).content.decode()


def test_unsafe_request_ids_are_replaced(client, world):
    client.force_login(world.users[Role.AUDITOR])
    response = client.get(reverse("audit:list"), HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>" and len(response["X-Request-ID"]) == 32


def test_role_changes_in_admin_are_recorded_without_secrets(staff_client, world):
    user = world.users[Role.AUDITOR]
    response = staff_client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "username": user.username,
            "role": Role.COUNTY_USER,
            "region": world.county_b.pk,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = ChangeRecord.objects.get(content_type__model="user")
    assert record.before["role"] == "auditor" and record.after["role"] == "county_user"
    assert record.after["region"] == world.county_b.pk
    assert "password" not in record.after and "password" not in record.before
