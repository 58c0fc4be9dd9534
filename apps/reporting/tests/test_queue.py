"""审核队列 at scale: filters, anomaly flags with their reasons, select-and-verify many at once
(one change record each), the owner told when a report is verified or returned."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from apps.accounts.models import Role
from apps.audit.models import ChangeRecord
from apps.reporting import services
from apps.reporting.models import MonthlyReport, Reminder, ReportStatus
from apps.reporting.selectors import review_queue_filterset
from tests import factories as f

from .conftest import MONTH, YEAR, make_report

pytestmark = pytest.mark.django_db


def queue(user, **params):
    request = RequestFactory().get("/reports/queue/", params)
    request.user = user
    filterset = review_queue_filterset(user=user, params=request.GET, request=request)
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs)


def test_flags_say_why(world, period, admin):
    p = world.p_a
    for month in range(MONTH - 3, MONTH):
        make_report(p, month=month, amount="100", status=ReportStatus.VERIFIED)
    f.AnnualPlanFactory(project=p, year=YEAR, planned_investment=Decimal("500"))
    spike = make_report(p, amount="400")  # 4x the average of 100; YTD 700 > plan 500
    started = world.p_b
    started.actual_start_date = datetime.date(YEAR, 3, 1)
    started.save()
    zero = make_report(started, amount="0")
    calm = make_report(world.p_c, amount="50")

    from apps.reporting.anomalies import report_flags

    rows = {report.pk: report for report in queue(admin)}
    assert [flag.code for flag in report_flags(rows[spike.pk])] == ["spike", "over_plan"]
    with translation.override("zh-hans"):  # the reasons as a Chinese user reads them
        reasons = " ".join(flag.reason for flag in report_flags(rows[spike.pk]))
    assert "月均 100" in reasons and "4.0 倍" in reasons and "超过年度计划 500 万元" in reasons
    assert [flag.code for flag in report_flags(rows[zero.pk])] == ["zero"]
    assert report_flags(rows[calm.pk]) == []
    assert {report.pk for report in queue(admin, flagged="true")} == {spike.pk, zero.pk}
    assert {report.pk for report in queue(admin, flagged="false")} == {calm.pk}


def test_filters_and_scope(world, period, admin, county):
    a = make_report(world.p_a, amount="100")
    b = make_report(world.p_b, amount="900")
    make_report(world.p_c, amount="5", status=ReportStatus.VERIFIED)
    assert {r.pk for r in queue(admin)} == {a.pk, b.pk}  # submitted only by default
    assert {r.pk for r in queue(admin, region=world.county_b.pk)} == {b.pk}
    assert {r.pk for r in queue(admin, amount_min="500")} == {b.pk}
    assert {r.pk for r in queue(admin, q="快速")} == {a.pk}
    assert {r.pk for r in queue(admin, lead_department=world.dept.pk)} == {a.pk}
    assert len(queue(admin, status=ReportStatus.VERIFIED)) == 1
    assert [r.pk for r in queue(admin, sort="-amount")] == [b.pk, a.pk]
    assert {r.pk for r in queue(county)} == {a.pk}  # a county user verifies its county only


def test_late_submissions_are_found(world, period, admin):
    on_time = make_report(world.p_a, submitted_at=datetime.datetime(YEAR, MONTH, 20, 10, tzinfo=datetime.UTC))
    late = make_report(world.p_b, submitted_at=datetime.datetime(YEAR, MONTH, 28, 10, tzinfo=datetime.UTC))
    assert {r.pk for r in queue(admin, late="true")} == {late.pk}
    assert {r.pk for r in queue(admin, late="false")} == {on_time.pk}


def test_select_and_verify_many_records_each_and_tells_the_owner(client, world, period, admin):
    owner = world.users[Role.OWNER_REPORTER]
    reports = [make_report(world.p_a, month=month, submitted_by=owner) for month in (MONTH - 2, MONTH - 1, MONTH)]
    returned = make_report(world.p_b, status=ReportStatus.RETURNED)
    client.force_login(admin)
    response = client.post(
        reverse("reporting:verify_selected"),
        {"report": [f"{r.pk}:{r.version}" for r in [*reports, returned]], "next": "/x"},
    )
    assert response.status_code == 302
    for report in reports:
        report.refresh_from_db()
        assert report.status == ReportStatus.VERIFIED and report.verified_by == admin
    returned.refresh_from_db()
    assert returned.status == ReportStatus.RETURNED  # refused with a reason, the others went through
    assert ChangeRecord.objects.filter(content_type__model="monthlyreport", user=admin).count() == 3
    told = Reminder.objects.filter(user=owner)
    assert told.count() == 3 and all("审核通过" in r.message and r.link.startswith("/reports/") for r in told)


def test_verify_selected_needs_each_rows_loaded_version(client, world, period, admin):
    """Issue 12: a report whose figures changed since the reviewer loaded the queue is never
    verified: a stale row refuses the whole selection, named; a row without a version too."""
    a, b = make_report(world.p_a), make_report(world.p_b)
    client.force_login(admin)
    page = client.get(reverse("reporting:queue")).content.decode()
    assert f'value="{a.pk}:{a.version}"' in page and f'value="{b.pk}:{b.version}"' in page
    url, count = reverse("reporting:verify_selected"), ChangeRecord.objects.count()
    MonthlyReport.objects.filter(pk=b.pk).update(version=b.version + 1)  # changed by its owner meanwhile
    response = client.post(url, {"report": [f"{a.pk}:{a.version}", f"{b.pk}:{b.version}"]}, follow=True)
    text = " ".join(str(m) for m in response.context["messages"])
    assert "本次未审核任何月报" in text and world.p_b.name in text and world.p_a.name not in text
    response = client.post(url, {"report": [f"{a.pk}:{a.version}", str(b.pk)]}, follow=True)
    assert "修改时必须提交编辑时加载的版本号" in " ".join(str(m) for m in response.context["messages"])
    assert not MonthlyReport.objects.filter(status=ReportStatus.VERIFIED).exists()
    assert ChangeRecord.objects.count() == count
    client.post(url, {"report": [f"{a.pk}:{a.version}", f"{b.pk}:{b.version + 1}"]})
    assert MonthlyReport.objects.filter(status=ReportStatus.VERIFIED).count() == 2


def test_returning_tells_the_owner_units_reporters(world, period, admin):
    owner = world.users[Role.OWNER_REPORTER]
    report = make_report(world.p_a)  # imported: no submitter
    services.report_return(actor=admin, report_id=report.pk, reason="金额有误")
    assert "金额有误" in Reminder.objects.get(user=owner).message


def test_queue_page_costs_the_same_for_many_reports(client, world, period, admin):
    client.force_login(admin)
    for month in range(1, 4):
        make_report(world.p_a, month=month)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("reporting:queue")).status_code == 200
    for project in [f.ProjectFactory(region=world.county_a, owner_unit=world.owner) for _ in range(15)]:
        make_report(project)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("reporting:queue"))
    assert len(many) == len(few)
    html = page.content.decode()
    assert 'data-select-all="report"' in html and 'form="batch"' in html


def test_the_queue_exports_as_filtered_through_the_one_list_export(client, world, period, admin):
    import io

    from python_calamine import CalamineWorkbook

    from apps.exports.models import ExportKind, ExportRecord

    make_report(world.p_a, amount="100")
    make_report(world.p_b, amount="900")
    client.force_login(admin)
    response = client.get(reverse("reporting:queue_export", args=["xlsx"]) + "?amount_min=500")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    names = [row[2] for row in rows]
    assert "乙县水厂" in names and "甲区快速路" not in names
    assert any("月报审核清单" in str(row[0]) for row in rows[:2])
    record = ExportRecord.objects.get()
    assert record.kind == ExportKind.LIST and record.row_count == 1 and record.filters["amount_min"] == "500"
    assert "queue/export.xlsx" in client.get(reverse("reporting:queue")).content.decode()
    client.force_login(world.users[Role.OWNER_REPORTER])
    assert client.get(reverse("reporting:queue_export", args=["xlsx"])).status_code == 403


@pytest.mark.parametrize(
    "params",
    [{}, {"sort": "-ytd"}, {"sort": "amount"}, {"sort": "-region"}, {"flagged": "true"}, {"status": "verified"}],
    ids=["default", "ytd", "amount", "region", "flagged", "verified"],
)
def test_queue_pages_show_each_report_once_in_the_queues_order(client, world, period, admin, params):
    """The page's ids are picked first, then their rows read (apps/core/pagination.py): paged
    through at 20 a page, the queue shows every report of the filtered list once, in its order."""
    others = [f.ProjectFactory(region=world.county_a, owner_unit=world.owner) for _ in range(12)]
    for n, project in enumerate([world.p_a, world.p_b, *others]):
        for month in range(MONTH - 3, MONTH + 1):
            status = ReportStatus.VERIFIED if (n + month) % 3 == 0 else ReportStatus.SUBMITTED
            make_report(project, month=month, amount=str(100 + 37 * ((n * 7 + month) % 11)), status=status)
    expected = [report.pk for report in queue(admin, **params)]
    client.force_login(admin)
    shown, number, pages = [], 1, 1
    while number <= pages:
        response = client.get(reverse("reporting:queue"), {**params, "size": 20, "page": number})
        page = response.context["page"]
        assert (page.number, page.paginator.count) == (number, len(expected))
        rows = [report for report, _flags, _import in response.context["rows"]]
        assert all(hasattr(report, "ytd") and hasattr(report, "is_flagged") for report in rows)
        shown += [report.pk for report in rows]
        number, pages = number + 1, page.paginator.num_pages
    assert shown == expected
    assert pages >= 2 or params  # the default queue (40 reports) spans pages
