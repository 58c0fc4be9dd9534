"""招商线索清单: the scope's leads, grouped by stage, no personal data, recorded."""

import io

import pytest
import python_calamine

from apps.accounts.models import APIToken, Role
from apps.attraction.models import InvestorContact
from apps.exports.models import ExportRecord

from .test_scope import BUREAU, SEES, user_of


def rows_of(content: bytes) -> list[list]:
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    return workbook.get_sheet_by_index(0).to_python()


@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.COUNTY_USER, BUREAU, Role.AUDITOR, Role.OWNER_REPORTER])
def test_export_holds_the_scope_and_no_contacts(client, world, bureau_user, leads, role):
    for lead in leads.values():
        InvestorContact.objects.create(lead=lead, name="王经理", phone="13800000000")
    client.force_login(user_of(world, bureau_user, role))
    response = client.get("/attraction/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    cells = [str(cell) for row in rows_of(content) for cell in row]
    names = {leads[key].name for key in SEES[role]}
    assert {name for name in (leads[k].name for k in leads) if name in cells} == names
    assert "13800000000" not in cells and "王经理" not in cells
    assert any(cell.startswith("一、线索") for cell in cells) == bool(names)
    assert ExportRecord.objects.filter(kind="lead_list").count() == 1


def test_api_export_with_filters(client, world, leads):
    _, raw = APIToken.issue(user=world.users[Role.CITY_ADMIN], name="t")
    response = client.get(
        f"/api/v1/investment-leads/export?region={world.county_a.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200
    cells = [str(cell) for row in rows_of(response.content) for cell in row]
    assert leads["lead_a"].name in cells and leads["lead_b"].name not in cells
    response = client.get("/api/v1/investment-leads/export?stage=nonsense", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 400
