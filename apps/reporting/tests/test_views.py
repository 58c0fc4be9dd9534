"""The reporting pages: what they show, their messages, and query counts that do not grow with rows."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.projects.models import Project, Stage
from apps.reporting import services
from apps.reporting.models import MonthlyReport, Reminder, ReportingPeriod, ReportRevision, ReportStatus
from tests import factories as f

from .conftest import MONTH, YEAR, make_report


def login(client, world, role):
    client.force_login(world.users[role])
    return client


def fill_data(**overrides):
    data = {
        "completed_investment": "1200.5",
        "physical_progress": "路基完成 60%",
        "percent_complete": "35",
        "actual_start_date": "",
        "problems": "拆迁滞后",
        "next_steps": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_owner_fills_saves_and_submits(client, world, period):
    login(client, world, Role.OWNER_REPORTER)
    make_report(world.p_a, month=MONTH - 1, amount="300", status=ReportStatus.VERIFIED, physical_progress="清表完成")
    page = client.get(reverse("reporting:fill", args=[world.p_a.pk])).content.decode()
    assert "上月情况" in page and "清表完成" in page and "300" in page  # last month's figures and totals

    response = client.post(reverse("reporting:fill", args=[world.p_a.pk]), fill_data(save="1"))
    report = MonthlyReport.objects.get(project=world.p_a, year=YEAR, month=MONTH)
    assert response.status_code == 302 and response["Location"] == reverse("reporting:detail", args=[report.pk])
    assert report.status == ReportStatus.DRAFT

    response = client.post(
        reverse("reporting:fill", args=[world.p_a.pk]), fill_data(version=report.version, submit="1")
    )
    report.refresh_from_db()
    assert response.status_code == 302 and report.status == ReportStatus.SUBMITTED
    detail = client.get(reverse("reporting:detail", args=[report.pk])).content.decode()
    assert "1,200.5" in detail and "1,500.5" in detail  # the month, and since start with last month


def test_fill_shows_chinese_errors_and_writes_nothing(client, world, period):
    login(client, world, Role.OWNER_REPORTER)
    response = client.post(
        reverse("reporting:fill", args=[world.p_a.pk]), fill_data(completed_investment="-1", percent_complete="120")
    )
    body = response.content.decode()
    assert response.status_code == 200 and "金额不能为负数" in body and "0 到 100 之间" in body
    assert not MonthlyReport.objects.exists() and not ChangeRecord.objects.exists()


def test_stale_form_is_refused_with_a_message(client, world, period):
    report = make_report(world.p_a, status=ReportStatus.DRAFT)
    MonthlyReport.objects.filter(pk=report.pk).update(version=3)
    login(client, world, Role.OWNER_REPORTER)
    response = client.post(reverse("reporting:fill", args=[world.p_a.pk]), fill_data(version=2, save="1"))
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    report.refresh_from_db()
    assert report.problems == ""


def test_fill_without_the_version_is_refused_as_missing_not_stale(client, world, period):
    """Issue 12: changing a saved report without the loaded version names the missing version."""
    report = make_report(world.p_a, status=ReportStatus.DRAFT)
    login(client, world, Role.OWNER_REPORTER)
    count = ChangeRecord.objects.count()
    response = client.post(reverse("reporting:fill", args=[world.p_a.pk]), fill_data(save="1"))
    body = response.content.decode()
    assert response.status_code == 200 and "修改时必须提交编辑时加载的版本号" in body and "已被他人修改" not in body
    report.refresh_from_db()
    assert report.problems == "" and report.version == 1 and ChangeRecord.objects.count() == count
    response = client.post(reverse("reporting:fill", args=[world.p_a.pk]), fill_data(version=1, save="1"))
    report.refresh_from_db()
    assert response.status_code == 302 and report.version == 2
    with pytest.raises(ValidationError) as error:  # the service refuses it too
        services.report_fill(
            actor=world.users[Role.OWNER_REPORTER],
            project_id=world.p_a.pk,
            year=YEAR,
            month=MONTH,
            fields={},
        )
    assert set(error.value.message_dict) == {"version"}


def test_locked_report_sends_editors_to_the_revision_request(client, world, period):
    report = make_report(world.p_a, status=ReportStatus.VERIFIED)
    login(client, world, Role.OWNER_REPORTER)
    response = client.get(reverse("reporting:fill", args=[world.p_a.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("reporting:detail", args=[report.pk])
    body = response.content.decode()
    assert "已审核锁定" in body and reverse("reporting:revision_request", args=[report.pk]) in body


def test_return_without_reason_shows_a_message(client, world, period):
    report = make_report(world.p_a)
    login(client, world, Role.COUNTY_USER)
    url = reverse("reporting:return", args=[report.pk])
    response = client.post(url, {"reason": " ", "version": report.version}, follow=True)
    assert "必须填写退回原因" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


@pytest.mark.parametrize("action", ["submit", "verify", "return"])
def test_page_actions_need_the_loaded_version(client, world, period, action):
    """报送/审核通过/退回 posted without the version, or with a stale one, change nothing."""
    status = ReportStatus.DRAFT if action == "submit" else ReportStatus.SUBMITTED
    report = make_report(world.p_a, status=status)
    login(client, world, Role.OWNER_REPORTER if action == "submit" else Role.COUNTY_USER)
    url = reverse(f"reporting:{action}", args=[report.pk])
    data = {"reason": "补充"} if action == "return" else {}
    assert "必须提交编辑时加载的版本号" in client.post(url, data, follow=True).content.decode()
    assert "已被他人修改" in client.post(url, {**data, "version": report.version + 3}, follow=True).content.decode()
    assert MonthlyReport.objects.get(pk=report.pk).status == status
    client.post(url, {**data, "version": report.version})
    assert MonthlyReport.objects.get(pk=report.pk).status != status


def test_queue_verifies_and_returns_back_to_the_queue(client, world, period):
    first, second = make_report(world.p_a), make_report(world.p_a, month=MONTH - 1)
    login(client, world, Role.COUNTY_USER)
    queue = reverse("reporting:queue")
    response = client.post(reverse("reporting:verify", args=[first.pk]), {"version": 1, "next": queue})
    assert response["Location"] == queue
    response = client.post(
        reverse("reporting:return", args=[second.pk]), {"reason": "补充", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("reporting:detail", args=[second.pk])  # foreign hosts are ignored
    first.refresh_from_db()
    assert first.status == ReportStatus.VERIFIED


def test_lead_department_verifying_a_start_starts_the_project(client, world, period):
    from apps.audit.models import ChangeRecord

    report = make_report(world.p_a, actual_start_date=datetime.date(2026, 10, 8))
    login(client, world, Role.DEPARTMENT_USER)
    client.post(reverse("reporting:verify", args=[report.pk]), {"version": 1}, follow=True)
    report.refresh_from_db()
    world.p_a.refresh_from_db()
    assert report.status == ReportStatus.VERIFIED
    assert world.p_a.actual_start_date == datetime.date(2026, 10, 8) and world.p_a.stage == "under_construction"
    record = ChangeRecord.objects.get(content_type__model="project", object_id=world.p_a.pk)
    assert record.user == world.users[Role.DEPARTMENT_USER]
    assert record.before["stage"] == "preliminary" and record.after["actual_start_date"] == "2026-10-08"


def test_revision_request_and_approval_pages(client, world, period):
    report = make_report(world.p_a, amount="100", status=ReportStatus.VERIFIED)
    login(client, world, Role.OWNER_REPORTER)
    response = client.post(
        reverse("reporting:revision_request", args=[report.pk]),
        fill_data(completed_investment="150", problems="", percent_complete="", reason="台账更正", version=1),
    )
    revision = ReportRevision.objects.get()
    assert response["Location"] == reverse("reporting:revision", args=[revision.pk])
    assert revision.proposed["completed_investment"] == "150" and revision.proposed["physical_progress"]

    page = client.get(response["Location"]).content.decode()
    assert "台账更正" in page and "须由另一位有审核权限的人员审批" in page

    login(client, world, Role.COUNTY_USER)
    page = client.get(response["Location"]).content.decode()
    assert "批准" in page and "驳回" in page
    client.post(reverse("reporting:revision_decide", args=[revision.pk, "approve"]), {"note": ""})
    report.refresh_from_db()
    assert report.completed_investment == Decimal("150") and report.status == ReportStatus.VERIFIED


def test_self_approval_on_the_page_is_refused_with_a_message(client, world, period):
    report = make_report(world.p_a, status=ReportStatus.VERIFIED)
    county = world.users[Role.COUNTY_USER]
    revision = services.report_revision_request(
        actor=county, report_id=report.pk, reason="更正", proposed={"notes": "补充说明"}
    )
    login(client, world, Role.COUNTY_USER)
    response = client.post(reverse("reporting:revision_decide", args=[revision.pk, "approve"]), follow=True)
    assert "不能审批自己提交的修改申请" in response.content.decode()
    revision.refresh_from_db()
    assert revision.status == "pending"


def test_admin_opens_and_closes_periods(client, world):
    login(client, world, Role.CITY_ADMIN)
    response = client.post(reverse("reporting:periods"), {"year": 2026, "month": 11, "deadline": ""})
    assert response.status_code == 302
    period = ReportingPeriod.objects.get()
    assert period.deadline == datetime.date(2026, 11, 25)
    response = client.post(reverse("reporting:periods"), {"year": 2026, "month": 12, "deadline": ""})
    assert "尚未关闭" in response.content.decode()
    client.post(reverse("reporting:period_close", args=[period.pk]))
    period.refresh_from_db()
    assert period.status == "closed"
    assert ChangeRecord.objects.filter(object_id=period.pk, content_type__model="reportingperiod").count() == 2


def test_unreported_page_and_reminder_button(client, world, period):
    reporter = world.users[Role.OWNER_REPORTER]
    login(client, world, Role.COUNTY_USER)
    page = client.get(reverse("reporting:unreported")).content.decode()
    assert "发送催报提醒" in page and "甲区城投公司" in page and world.p_a.name in page
    response = client.post(reverse("reporting:remind"), follow=True)
    assert "已发送催报提醒 1 条" in response.content.decode()
    assert Reminder.objects.get().user == reporter

    fragment = client.get(reverse("reporting:unreported"), {"year": 2026, "month": 2}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and "全部已报" in fragment.content.decode()

    login(client, world, Role.CITY_LEADER)
    assert "发送催报提醒" not in client.get(reverse("reporting:unreported")).content.decode()


def test_reminders_badge_and_page_mark_read(client, world, period):
    owner = world.users[Role.OWNER_REPORTER]
    Reminder.objects.create(user=owner, message="请报送十月月报", link=reverse("reporting:mine"))
    Reminder.objects.create(user=owner, message="另一条")
    Reminder.objects.create(user=world.users[Role.COUNTY_USER], message="不是你的")
    login(client, world, Role.OWNER_REPORTER)
    base = client.get(reverse("reporting:mine")).content.decode()
    assert reverse("reporting:reminder_badge") in base
    assert ">2<" in client.get(reverse("reporting:reminder_badge")).content.decode()
    page = client.get(reverse("reporting:reminders")).content.decode()
    assert "请报送十月月报" in page and "不是你的" not in page
    assert ">2<" not in client.get(reverse("reporting:reminder_badge")).content.decode()
    assert Reminder.objects.filter(user=owner, read_at__isnull=True).count() == 0
    assert Reminder.objects.filter(read_at__isnull=True).count() == 1


def test_project_page_links_to_its_report_history(client, world, period):
    make_report(world.p_a, month=9, amount="10", status=ReportStatus.VERIFIED)
    login(client, world, Role.CITY_LEADER)
    page = client.get(reverse("projects:detail", args=[world.p_a.pk])).content.decode()
    assert reverse("reporting:history", args=[world.p_a.pk]) in page
    history = client.get(reverse("reporting:history", args=[world.p_a.pk])).content.decode()
    assert "2026-09" in history and "已审核" in history


def test_report_changes_show_in_the_project_history(client, world, period):
    services.report_create(
        actor=world.users[Role.OWNER_REPORTER],
        project_id=world.p_a.pk,
        year=YEAR,
        month=MONTH,
        fields={"completed_investment": Decimal("77")},
    )
    login(client, world, Role.DEPARTMENT_USER)
    page = client.get(reverse("projects:detail", args=[world.p_a.pk])).content.decode()
    assert "月报：甲区快速路 2026年10月月报" in page


# --- query counts ------------------------------------------------------------------


def _grow(world, n: int, *, start: int):
    """n more projects of the owner unit in county A, each with two reports, a revision and a reminder."""
    Project.objects.filter(pk=world.p_a.pk).update(stage=Stage.UNDER_CONSTRUCTION, actual_start_date="2025-01-01")
    owner = world.users[Role.OWNER_REPORTER]
    for i in range(start, start + n):
        project = f.ProjectFactory(
            name=f"加项{i}", region=world.county_a, owner_unit=world.owner, lead_department=world.dept
        )
        verified = make_report(project, month=MONTH - 1, status=ReportStatus.VERIFIED)
        make_report(project, month=MONTH, status=ReportStatus.SUBMITTED if i % 2 else ReportStatus.DRAFT)
        ReportRevision.objects.create(report=verified, reason="x", proposed={"notes": "y"}, requested_by=owner)
        history = make_report(world.p_a, year=2024, month=i + 1, status=ReportStatus.VERIFIED)
        ReportRevision.objects.create(report=history, reason="x", proposed={"notes": "y"}, requested_by=owner)
        Reminder.objects.create(user=owner, message=f"提醒{i}")
        f.ProjectFactory(
            name=f"未报{i}", region=world.county_a, owner_unit=f.OrganisationFactory(region=world.county_a)
        )


PAGES = {
    "mine": (Role.OWNER_REPORTER, lambda w: reverse("reporting:mine")),
    "queue": (Role.COUNTY_USER, lambda w: reverse("reporting:queue")),
    "unreported": (Role.CITY_ADMIN, lambda w: reverse("reporting:unreported")),
    "history": (Role.CITY_ADMIN, lambda w: reverse("reporting:history", args=[w.p_a.pk])),
    "periods": (Role.CITY_ADMIN, lambda w: reverse("reporting:periods")),
    "reminders": (Role.OWNER_REPORTER, lambda w: reverse("reporting:reminders")),
    "api_list": (Role.CITY_ADMIN, lambda w: "/api/v1/reports?limit=500"),
    "api_unreported": (Role.CITY_ADMIN, lambda w: "/api/v1/reports/unreported"),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_query_count_does_not_grow_with_rows(client, world, period, page):
    role, url = PAGES[page]
    login(client, world, role)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(world))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    _grow(world, 3, start=0)
    few = count()
    _grow(world, 8, start=3)
    assert count() == few
