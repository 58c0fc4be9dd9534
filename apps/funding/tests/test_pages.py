"""The funding pages' forms: the record form with the FAI rows (refused with the row named,
then saved), disbursement entry by the finance bureau, an application moved through its steps."""

import datetime

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.funding.models import Disbursement, FundingApplication, FundingRecord

pytestmark = pytest.mark.django_db


def test_record_form_refuses_then_saves(client, world):
    client.force_login(world.users[Role.OWNER_REPORTER])
    url = reverse("funding:record_edit", args=[world.p_a.pk, 2026])
    assert client.get(url).status_code == 200
    data = {"planned_total": "100", "planned_self_raised": "90", "arrived_total": "0", "gap": "0"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "本年实际到位资金（100）应等于" in response.content.decode()
    assert not FundingRecord.objects.exists()
    data["planned_self_raised"] = "100"
    response = client.post(url, data)
    assert response.status_code == 302
    assert FundingRecord.objects.get().planned_total == 100
    # Another project's form is out of the owner's scope.
    assert client.get(reverse("funding:record_edit", args=[world.p_b.pk, 2026])).status_code == 404
    # The department sees p_a but may not change it.
    client.force_login(world.users[Role.DEPARTMENT_USER])
    assert client.get(url).status_code == 404


def test_disbursement_entry_by_the_finance_bureau(client, world, finance):
    client.force_login(finance["city"])
    page = client.get(reverse("funding:project", args=[world.p_a.pk]))
    assert "录入拨付" in page.content.decode()
    response = client.post(
        reverse("funding:disbursement_add"),
        {"project": world.p_a.pk, "source": "local_fiscal", "on_date": "2026-06-01", "released": "100", "paid": "20"},
    )
    assert response.status_code == 302 and Disbursement.objects.count() == 1
    client.force_login(world.users[Role.CITY_ADMIN])
    assert "录入拨付" not in client.get(reverse("funding:project", args=[world.p_a.pk])).content.decode()
    response = client.post(
        reverse("funding:disbursement_add"),
        {"project": world.p_a.pk, "source": "local_fiscal", "on_date": "2026-06-01", "released": "100", "paid": "0"},
        follow=True,
    )
    assert "您无权" in response.content.decode() or response.status_code == 403
    assert Disbursement.objects.count() == 1


def test_application_through_the_pages(client, world):
    client.force_login(world.users[Role.COUNTY_USER])
    response = client.post(
        reverse("funding:application_create", args=[world.p_a.pk]),
        {"programme": "ultra_long_bonds", "year": 2026, "responsible_department": world.dept.pk, "requested": "800"},
    )
    application = FundingApplication.objects.get()
    assert response.status_code == 302
    step = reverse("funding:application_step", args=[application.pk])
    client.post(step, {"to_status": "submitted", "on": "2026-03-01", "version": 1})
    client.post(
        step,
        {
            "to_status": "approved",
            "on": "2026-05-01",
            "amount": "600",
            "document_number": "发改〔2026〕1号",
            "version": 2,
        },
    )
    response = client.post(
        step, {"to_status": "released", "on": "2026-06-01", "amount": "700", "version": 3}, follow=True
    )
    assert "下达金额不能超过批复金额" in response.content.decode()
    application.refresh_from_db()
    assert (application.status, application.approved, application.decided_on) == (
        "approved",
        600,
        datetime.date(2026, 5, 1),
    )
    assert ChangeRecord.objects.filter(content_type__model="fundingapplication").count() == 3
    figures = client.get(reverse("funding:applications")).content.decode()
    assert "获批金额" in figures
