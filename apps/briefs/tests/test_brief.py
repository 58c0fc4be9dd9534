"""The leader's brief on the town of apps/statistics/tests/test_indicators.py: 王 leads K1
(续建, plan 20000, done 5000) and K2 (plan 10000, done 800, started 2026-04-15)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import Role
from apps.briefs import render, selectors
from apps.documents.readback import open_docx
from apps.lights.models import Light
from apps.problems.models import Problem, ProblemType
from tests import factories as f

from .conftest import TODAY


@pytest.fixture
def lit(db):
    """The engine's lights of June 2026 under the Yinchuan 2025 investment-lag rule."""
    from apps.lights.models import LightRule, LightRuleVersion
    from apps.lights.presets import install
    from apps.lights.services import lights_evaluate

    install(LightRule, LightRuleVersion)
    LightRule.objects.filter(code="yinchuan-2025-investment").update(is_active=True)
    lights_evaluate(year=2026, month=6)


def test_brief_figures_of_the_leader_s_projects(town, lit):
    leader_user = town.users[Role.CITY_LEADER]  # 王副市长
    brief = selectors.brief_get(user=leader_user, person=town.leader)
    assert (brief.year, brief.month) == (2026, 6)  # the last ended month
    assert brief.figure("key_projects_count").value == 2
    assert brief.figure("annual_planned_investment").value.__str__() == "3.00"
    assert str(brief.figure("completed_ytd").value) == "0.58"  # 5000 + 800 万元
    assert str(brief.figure("plan_completion_rate").value) == "19.3"  # 5800 / 30000
    # Every figure links to its projects: the dashboard's drill-down of the set person:<id>.
    url = brief.figure("key_projects_count").url
    assert f"set=person%3A{town.leader.pk}" in url and "indicator=key_projects_count" in url
    # The engine's lights for June (Yinchuan rule): K2 8 % of the plan against 50 % is red,
    # K1 25 % yellow; red first, each with the engine's reason.
    assert [(item["name"], item["light"]) for item in brief.lights] == [("甲区产业园", "red"), ("甲区快速路", "yellow")]
    assert brief.lights[0]["reason"].startswith("银川2025·投资完成对比序时进度：")
    assert brief.lights[0]["reason"].endswith(Light.objects.get(project=town.k2, year=2026, month=6).reason)
    assert brief.totals == {
        "planned": brief.figure("annual_planned_investment").value,
        "completed": brief.figure("completed_ytd").value,
        "rate": brief.figure("plan_completion_rate").value,
    }
    sentences = render.summary_sentences(brief)
    assert sentences[0] == (
        "截至6月底，包抓重点项目2个，总投资8.00亿元，年度计划投资3.00亿元；1-6月完成投资0.58亿元，"
        "占年度计划的19.3%，欠时序进度30.7个百分点。"
    )
    assert "计划新开工1个，已开工1个，新开工项目开工率100.0%" in sentences[1]


def test_brief_problems_waiting_and_the_docx(town, lit):
    Problem.objects.create(
        project=town.k2,
        problem_type=ProblemType.LAND,
        description="征地",
        raised_by=town.users[Role.CITY_ADMIN],
        raised_on=TODAY,
        responsible_department=town.dept,
        coordinating_leader=town.leader,
        deadline=datetime.date(2026, 7, 20),
        level_since=TODAY,
        level_due_date=datetime.date(2026, 7, 20),
    )
    brief = selectors.brief_get(user=town.users[Role.CITY_LEADER], person=town.leader)
    assert [p.project.name for p in brief.problems] == ["甲区产业园"]
    document = open_docx(render.brief_docx(brief, day=TODAY))
    assert len(document.sections) == 1  # one page: no attachment sections
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "领导简报" in text and "王副市长" in text
    assert "1.甲区产业园：征地拆迁" in text or "1.甲区产业园：" in text
    assert [c.text for c in document.tables[0].rows[0].cells][:2] == ["项目", "灯色"]


def test_who_may_read_whose_brief(client, town):
    leader_user = town.users[Role.CITY_LEADER]
    client.force_login(leader_user)
    assert client.get(reverse("briefs:index")).status_code == 302  # straight to their own
    page = client.get(reverse("briefs:person", args=[town.leader.pk]))
    assert page.status_code == 200 and "欠时序进度30.7个百分点" in page.content.decode()
    assert client.get(reverse("briefs:person", args=[town.leader_li.pk])).status_code == 404  # another leader's
    client.force_login(town.users[Role.CITY_ADMIN])
    assert client.get(reverse("briefs:person", args=[town.leader_li.pk])).status_code == 200
    response = client.get(reverse("briefs:file", args=[town.leader.pk, "docx"]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    for role in (Role.COUNTY_USER, Role.DEPARTMENT_USER, Role.OWNER_REPORTER):
        client.force_login(town.users[role])
        assert client.get(reverse("briefs:person", args=[town.leader.pk])).status_code == 404


def test_brief_command(town, tmp_path):
    out = io.StringIO()
    call_command("brief", "--user", "leader", "--year", "2026", "--month", "6", "--out", str(tmp_path), stdout=out)
    assert (tmp_path / "brief-leader-2026-06.docx").is_file()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不是关联了人员的市级领导"):
        call_command("brief", "--user", "admin", "--out", str(tmp_path))
    _ = f


def test_my_projects_page_has_investment_completion_lights_and_totals(client, town, lit):
    client.force_login(town.users[Role.CITY_LEADER])
    html = client.get(reverse("projects:mine")).content.decode()
    # K1 2.00 亿元 planned, 0.50 done (25.0 %, yellow); K2 1.00, 0.08 (8.0 %, red): the engine's.
    assert "2026年计划（亿元）" in html and "1-6月完成（亿元）" in html
    assert '<td class="num">2.00</td><td class="num">0.50</td><td class="num">25.0</td>' in html
    assert '<td class="num">1.00</td><td class="num">0.08</td><td class="num">8.0</td>' in html
    assert html.count('class="light light-red"') == 1 and html.count('class="light light-yellow"') == 1
    assert '<th class="num">3.00</th><th class="num">0.58</th><th class="num">19.3</th>' in html  # totals
    assert "data-print" in html and "onclick" not in html.split("<main")[-1]


def test_departments_in_charge_and_site_visits(town):
    from django.core.exceptions import PermissionDenied, ValidationError

    from apps.audit.models import ChangeRecord
    from apps.briefs import services
    from apps.statistics.indicators import indicators_compute

    admin = town.users[Role.CITY_ADMIN]
    # 李 leads K3 only; put 市交通运输局 (lead department of K2) in 李's charge.
    with pytest.raises(PermissionDenied):
        services.department_charge_set(
            actor=town.users[Role.COUNTY_USER], person=town.leader_li, departments=[town.dept]
        )
    services.department_charge_set(actor=admin, person=town.leader_li, departments=[town.dept])
    with pytest.raises(ValidationError):
        services.department_charge_set(actor=admin, person=town.leader_li, departments=[town.owner])
    report = indicators_compute(
        user=admin, region=town.city, year=2026, month=6, project_set=f"person:{town.leader_li.pk}"
    )
    assert report["key_projects_count"].project_ids == tuple(sorted((town.k2.pk, town.k3.pk)))
    assert str(report["annual_planned_investment"].value) == "1.80"  # K2 10000 + K3 8000 万元
    services.site_visit_record(
        actor=admin,
        person=town.leader_li,
        visited_on=datetime.date(2026, 7, 1),
        project_ids=[town.k3.pk],
        findings="征地未完成",
        decisions="7月底前完成征地",
    )
    services.site_visit_record(
        actor=admin, person=town.leader_li, visited_on=datetime.date(2026, 7, 20), project_ids=[town.k2.pk], done=False
    )
    with pytest.raises(ValidationError):
        services.site_visit_record(actor=admin, person=town.leader_li, visited_on=TODAY, project_ids=[999999])
    brief = selectors.brief_get(user=admin, person=town.leader_li)
    assert [d.name for d in brief.departments] == [town.dept.name]
    assert [v.visited_on for v in brief.recent_visits] == [datetime.date(2026, 7, 1)]
    assert [v.visited_on for v in brief.due_visits] == [datetime.date(2026, 7, 20)]
    text = "\n".join(p.text for p in open_docx(render.brief_docx(brief, day=TODAY)).paragraphs)
    assert "包抓及分管部门牵头的重点项目2个" in text
    assert "现场调度：2026年7月1日 乙县医院（议定：7月底前完成征地）" in text
    assert "拟现场调度：2026年7月20日 甲区产业园" in text
    # Removing the charge is recorded too.
    services.department_charge_set(actor=admin, person=town.leader_li, departments=[])
    actions = list(
        ChangeRecord.objects.filter(content_type__model="departmentcharge")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "delete"]
    assert ChangeRecord.objects.filter(content_type__model="sitevisit").count() == 2


def test_no_pdf_link_without_libreoffice(client, town, monkeypatch):
    monkeypatch.setattr("apps.briefs.views.libreoffice_path", lambda: None)
    client.force_login(town.users[Role.CITY_LEADER])
    html = client.get(reverse("briefs:person", args=[town.leader.pk])).content.decode()
    assert "file.pdf" not in html
    assert client.get(reverse("briefs:file", args=[town.leader.pk, "pdf"])).status_code in (200, 404)
