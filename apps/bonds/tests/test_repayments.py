"""还本付息 actually paid against the schedule (today 2026-11-15): only due lines of the
schedule, by the finance bureau of the project's region; a difference needs its reason;
corrections update the line with a change record each; the page and the API show it."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.bonds import selectors, services
from apps.bonds.models import BondRepayment

from .test_pages_api import token
from .test_services import _issue

pytestmark = pytest.mark.django_db
day = datetime.date


@pytest.fixture
def allocation(world, finance, make_bond_project):
    # Semi-annual from 2025-11-01: 7000 × 2.25% ÷ 2 = 78.75 on 2026-05-01, 2026-11-01, 2027-05-01 …
    issue = _issue(finance["city"], world, day(2025, 11, 1))
    return services.allocation_add(
        actor=finance["city"], issue_id=issue.pk, bond_project_id=make_bond_project(world.p_a).pk, amount=D(7000)
    )


def record(user, allocation, due, amount, note="", paid_on=None, kind="interest"):
    return services.repayment_record(
        actor=user,
        allocation_id=allocation.pk,
        due_date=due,
        kind=kind,
        paid_on=paid_on or due,
        amount=amount,
        note=note,
    )


def changes():
    return ChangeRecord.objects.filter(content_type__model="bondrepayment").count()


def test_payments_against_the_schedule(finance, allocation):
    user = finance["city"]
    may = record(user, allocation, day(2026, 5, 1), D("78.75"))
    assert (may.scheduled, may.amount) == (D("78.75"), D("78.75"))
    # Less than due without a reason: refused, nothing written.
    with pytest.raises(ValidationError) as error:
        record(user, allocation, day(2026, 11, 1), D(70))
    assert "78.7500" in str(error.value) or "78.75" in str(error.value)
    assert BondRepayment.objects.count() == 1 and changes() == 1
    november = record(user, allocation, day(2026, 11, 1), D(70), note="项目收益不足，差额由县财政补足中")
    # Not a due date of the schedule, not due yet, not a kind: refused.
    for due, kind in ((day(2026, 10, 1), "interest"), (day(2027, 5, 1), "interest"), (day(2026, 5, 1), "bogus")):
        with pytest.raises(ValidationError):
            record(user, allocation, due, D("78.75"), kind=kind)
    with pytest.raises(ValidationError):  # paid in the future
        record(user, allocation, day(2026, 5, 1), D("78.75"), paid_on=day(2026, 12, 1))
    # A correction updates the line; the change record keeps what it said before.
    record(user, allocation, day(2026, 5, 1), D("78.75"), paid_on=day(2026, 5, 6))
    assert BondRepayment.objects.count() == 2 and changes() == 3
    update = ChangeRecord.objects.filter(content_type__model="bondrepayment").order_by("-pk").first()
    assert update.object_id == str(may.pk) or int(update.object_id) == may.pk
    lines = selectors.repayments(user=user, start=day(2026, 1, 1), end=day(2027, 6, 1))
    assert [(line.payment.due, line.status) for line in lines if line.payment.kind == "interest"] == [
        (day(2026, 5, 1), "paid"),
        (day(2026, 11, 1), "short"),
        (day(2027, 5, 1), "upcoming"),
    ]
    assert lines[1].record == november
    summary = selectors.repayment_summary(lines)
    assert (summary.scheduled_due, summary.paid, summary.overdue) == (D("157.5"), D("148.75"), 0)


@pytest.mark.parametrize("role", list(Role))
def test_only_the_regions_finance_bureau_enters(world, finance, allocation, role):
    for user in (world.users[role], finance["county_b"]):  # p_a is county A's
        with pytest.raises(PermissionDenied):
            record(user, allocation, day(2026, 5, 1), D("78.75"))
    assert BondRepayment.objects.count() == 0 and changes() == 0


def test_page_and_api(client, world, finance, allocation):
    client.force_login(finance["city"])
    page = client.get(reverse("bonds:repayments")).content.decode()
    assert "到期未录入支付" in page and reverse("bonds:repayment_record") in page
    response = client.post(
        reverse("bonds:repayment_record"),
        {
            "allocation": allocation.pk,
            "due_date": "2026-05-01",
            "kind": "interest",
            "paid_on": "2026-05-01",
            "amount": "78.75",
        },
    )
    assert response.status_code == 302 and BondRepayment.objects.count() == 1
    assert "已支付" in client.get(reverse("bonds:repayments")).content.decode()
    payload = {
        "allocation": allocation.pk,
        "due_date": "2026-11-01",
        "kind": "interest",
        "paid_on": "2026-11-02",
        "amount": "78.75",
    }
    answer = client.post("/api/v1/bonds/repayments", payload, content_type="application/json", **token(finance["city"]))
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "paid" and answer.json()["paid_on"] == "2026-11-02"
    county = world.users[Role.COUNTY_USER]
    refused = client.post("/api/v1/bonds/repayments", payload, content_type="application/json", **token(county))
    assert refused.status_code == 403
    outsider = client.post(
        "/api/v1/bonds/repayments", payload, content_type="application/json", **token(finance["county_b"])
    )
    assert outsider.status_code == 404
    listing = client.get("/api/v1/bonds/repayments?start=2026-01-01&end=2026-12-31", **token(county)).json()
    assert [row["status"] for row in listing] == ["paid", "paid"]
