"""The pages and the API: lists, counts, scoping per role, rule edits and replay."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import APIToken, Role
from apps.audit.models import ChangeRecord
from apps.lights import selectors
from apps.lights.models import Light, LightRule, LightRuleVersion

from .conftest import activate, campaign_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def lit(world, evaluate):
    """May 2026 under the Yinchuan start rule: the world's three projects (planned March): red (3 months)."""
    rule = activate("yinchuan-2025-start")
    evaluate(2026, 5)
    return rule


def bearer(user) -> dict:
    _, raw = APIToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_list_page_counts_by_county_link_to_their_lights(client, world, lit):
    client.force_login(world.users[Role.CITY_ADMIN])
    response = client.get(reverse("lights:list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "2026年5月红黄灯" in text
    assert "计划2026年3月开工，已连续3个月未开工" in text
    link = f"?colour=red&amp;month=5&amp;region={world.county_b.pk}&amp;year=2026"
    assert link in text  # 乙县: two red lights, linked
    filtered = client.get(
        reverse("lights:list"), {"year": 2026, "month": 5, "region": world.county_b.pk, "colour": "red"}
    )
    assert filtered.context["count"] == 2


def test_a_county_user_sees_only_its_county(client, world, lit):
    client.force_login(world.users[Role.COUNTY_USER])
    response = client.get(reverse("lights:list"))
    assert response.context["count"] == 1
    assert [row.name for row in response.context["by_region"]] == ["甲区"]
    api = client.get("/api/v1/lights", {"year": 2026, "month": 5}, **bearer(world.users[Role.COUNTY_USER]))
    assert [item["project_id"] for item in api.json()["items"]] == [world.p_a.pk]


def test_api_filters_and_bad_filters(client, world, lit):
    auth = bearer(world.users[Role.CITY_ADMIN])
    body = client.get("/api/v1/lights", {"year": 2026, "month": 5, "rule": "yinchuan-2025-start"}, **auth).json()
    assert body["count"] == 3 and body["items"][0]["version"] == 1
    assert body["items"][0]["reason"].startswith("计划2026年3月开工")
    assert client.get("/api/v1/lights", {"year": 2026, "month": 5, "colour": "red"}, **auth).json()["count"] == 3
    assert client.get("/api/v1/lights", {"year": 2026, "month": 4}, **auth).json()["count"] == 0
    assert client.get("/api/v1/lights", {"subject": "region", "year": 2026, "month": 5}, **auth).json()["count"] == 0
    bad = client.get("/api/v1/lights", {"month": 13, "year": 2026}, **auth)
    assert bad.status_code == 400 and "month" in bad.json()["errors"]
    assert client.get("/api/v1/lights", {"colour": "purple"}, **auth).status_code == 400
    counts = client.get("/api/v1/lights/counts", {"year": 2026, "month": 5}, **auth).json()
    assert {row["name"]: row["counts"]["red"] for row in counts} == {"甲区": 1, "乙县": 2}
    assert client.get("/api/v1/lights").status_code == 401


def test_api_rules_versions_and_replay(client, world, lit):
    admin = bearer(world.users[Role.CITY_ADMIN])
    rules = client.get("/api/v1/light-rules", **admin).json()
    assert {rule["code"] for rule in rules} >= {"yinchuan-2025-start", "sanya-2022-investment", "tianjin-2022-fai"}
    detail = client.get(f"/api/v1/light-rules/{lit.pk}", **admin).json()
    assert [v["number"] for v in detail["versions"]] == [1] and detail["current_version"]["source_url"]
    draft = {
        "measure": "months_not_started",
        "levels": [{"colour": "yellow", "op": ">=", "value": "4"}],
    }
    replay = client.post(
        f"/api/v1/light-rules/{lit.pk}/replay",
        {"year": 2026, "month": 5, "definition": draft},
        content_type="application/json",
        **admin,
    )
    assert replay.status_code == 200, replay.content
    assert replay.json()["changes"] == {"added": 0, "removed": 3, "changed": 0}
    assert lit.versions.count() == 1
    created = client.post(
        f"/api/v1/light-rules/{lit.pk}/versions", {**draft, "reason": "放宽"}, content_type="application/json", **admin
    )
    assert created.status_code == 201 and created.json()["number"] == 2
    bad = client.post(
        f"/api/v1/light-rules/{lit.pk}/versions",
        {"measure": "months_not_started", "levels": [{"colour": "red", "op": ">", "value": "x"}], "reason": "坏"},
        content_type="application/json",
        **admin,
    )
    assert bad.status_code == 422 and "levels" in bad.json()["errors"]
    assert lit.versions.count() == 2


@pytest.mark.parametrize(
    "role", [Role.COUNTY_USER, Role.CITY_LEADER, Role.DEPARTMENT_USER, Role.OWNER_REPORTER, Role.AUDITOR]
)
def test_api_rule_writes_are_the_city_administrators(client, world, lit, role):
    auth = bearer(world.users[role])
    payload = {"measure": "months_not_started", "levels": [{"colour": "red", "op": ">", "value": "0"}], "reason": "x"}
    for path, body in (
        (f"/api/v1/light-rules/{lit.pk}/versions", payload),
        (f"/api/v1/light-rules/{lit.pk}/active", {"is_active": False}),
        (f"/api/v1/light-rules/{lit.pk}/replay", {"year": 2026, "month": 5}),
        ("/api/v1/lights/evaluate", {"year": 2026, "month": 5}),
    ):
        response = client.post(path, body, content_type="application/json", **auth)
        assert response.status_code == 403, (path, response.content)
    assert lit.versions.count() == 1
    assert client.get(f"/api/v1/light-rules/{lit.pk}", **auth).status_code == 200


def test_rule_page_saves_a_version_and_replays_a_draft(client, world, lit):
    client.force_login(world.users[Role.CITY_ADMIN])
    page = client.get(reverse("lights:rule", args=[lit.pk]))
    assert page.status_code == 200 and "银川市2025年" in page.content.decode()
    form = {
        "name": "银川2025·项目开工",
        "measure": "months_not_started",
        "level0_colour": "yellow",
        "level0_field": "value",
        "level0_op": ">=",
        "level0_value": "2",
        "year": "2026",
        "month": "5",
        "reason": "",
    }
    replay = client.post(reverse("lights:rule_replay", args=[lit.pk]), form)
    assert "变色 3" in replay.content.decode()
    refused = client.post(reverse("lights:rule_save", args=[lit.pk]), form)
    assert refused.status_code == 422 and lit.versions.count() == 1  # no reason
    saved = client.post(reverse("lights:rule_save", args=[lit.pk]), form | {"reason": "两个月即红灯"})
    assert saved.status_code == 302
    version = LightRule.objects.get(pk=lit.pk).current_version
    assert version.number == 2 and version.levels == [{"colour": "yellow", "field": "value", "op": ">=", "value": "2"}]
    assert ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(LightRuleVersion), object_id=version.pk
    ).exists()


def test_county_user_cannot_open_the_edit_form(client, world, lit):
    client.force_login(world.users[Role.COUNTY_USER])
    page = client.get(reverse("lights:rule", args=[lit.pk]))
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(reverse("lights:rule_save", args=[lit.pk]), {}).status_code == 403


def test_project_page_and_rows_show_the_light_with_its_reason(client, world, lit):
    client.force_login(world.users[Role.CITY_ADMIN])
    detail = client.get(reverse("projects:detail", args=[world.p_a.pk])).content.decode()
    assert "计划2026年3月开工，已连续3个月未开工" in detail and "第1版规则" in detail
    rows = client.get(reverse("projects:list")).content.decode()
    assert rows.count('class="lamp lamp-red"') == 3
    dashboard = client.get(reverse("dashboard:index"), {"year": 2026, "month": 5}).content.decode()
    assert 'id="lights-by-county"' in dashboard and "2026年5月红黄灯（按县区）" in dashboard


def test_a_projects_lights_in_at_most_three_queries(world, lit):
    user = world.users[Role.DEPARTMENT_USER]  # the costliest scope: a subquery on projects
    with CaptureQueriesContext(connection) as queries:
        period = selectors.default_period()
        lights = selectors.project_lights(user=user, project_id=world.p_a.pk, period=period)
        reasons = [(light.rule.name, light.version.number, light.reason) for light in lights]
    assert len(queries) <= 3
    assert reasons == [("银川2025·项目开工", 1, "计划2026年3月开工，已连续3个月未开工")]
    assert Light.objects.count() == 3


def test_the_speech_takes_the_campaign_deadline_from_the_rule(client, world):
    client.force_login(world.users[Role.CITY_ADMIN])
    before = client.get(reverse("dashboard:speech"), {"year": 2026, "month": 5}).context["plain_text"]
    assert "具备条件的（需人工填写）月（需人工填写）日前必须开工建设" in before
    assert "尽管我从去年（需人工填写）月开始就多次强调" in before
    campaign_rule(world, levels=[{"colour": "red", "op": ">", "value": "0"}])
    after = client.get(reverse("dashboard:speech"), {"year": 2026, "month": 5}).context["plain_text"]
    assert "具备条件的6月30日前必须开工建设" in after
    assert "尽管我从去年10月开始就多次强调" in after
    # Another year's speech does not borrow 2026's deadline.
    other = client.get(reverse("dashboard:speech"), {"year": 2025, "month": 5}).context["plain_text"]
    assert "具备条件的（需人工填写）月（需人工填写）日前必须开工建设" in other


def test_red_lights_feed_the_dispatch_meetings_proposed_agenda(client, world, lit):
    from apps.problems.models import MeetingKind
    from apps.problems.selectors import proposed_agenda

    admin = world.users[Role.CITY_ADMIN]
    dispatch = proposed_agenda(
        user=admin, kind=MeetingKind.MONTHLY_DISPATCH, region=world.city, on=datetime.date(2026, 6, 5)
    )
    assert {light.project_id for light in dispatch.red_lights} == {world.p_a.pk, world.p_b.pk, world.p_c.pk}
    county = proposed_agenda(
        user=world.users[Role.COUNTY_USER],
        kind=MeetingKind.MONTHLY_DISPATCH,
        region=world.county_a,
        on=datetime.date(2026, 6, 5),
    )
    assert [light.project_id for light in county.red_lights] == [world.p_a.pk]
    special = proposed_agenda(
        user=admin, kind=MeetingKind.SPECIAL_MEETING, region=world.city, on=datetime.date(2026, 6, 5)
    )
    assert special.red_lights == []


def test_project_rows_show_the_projects_own_light_the_page_every_light(client, world, lit, evaluate):
    from apps.problems.tests.factories import ProblemFactory

    activate("deadline-problems")
    admin = world.users[Role.CITY_ADMIN]
    ProblemFactory(
        project=world.p_a,
        raised_by=admin,
        raised_on=datetime.date(2026, 5, 4),
        deadline=datetime.date(2026, 5, 20),
        description="征地补偿未落实",
    )
    evaluate(2026, 5)
    client.force_login(admin)
    rows = client.get(reverse("projects:list")).content.decode()
    assert "办理时限2026-05-20" not in rows and "计划2026年3月开工" in rows
    detail = client.get(reverse("projects:detail", args=[world.p_a.pk])).content.decode()
    assert "期限预警·问题办结" in detail and "办理时限2026-05-20，已超期7个工作日" in detail


def test_the_list_exports_as_filtered_and_scoped(client, world, lit):
    from apps.exports.models import ExportRecord
    from apps.exports.tests.sheets import body, rows

    def labels(query=""):
        response = client.get(reverse("lights:export", args=["xlsx"]) + query)
        assert response.status_code == 200
        return sorted(row[3] for row in rows(body(response)) if isinstance(row[0], int | float) and row[0] >= 1)

    client.force_login(world.users[Role.CITY_ADMIN])
    assert labels() == sorted(["甲区快速路", "乙县水厂", "乙县学校"])
    assert labels(f"?year=2026&month=5&region={world.county_b.pk}&colour=red") == ["乙县学校", "乙县水厂"]
    assert ExportRecord.objects.latest("id").row_count == 2
    assert reverse("lights:export", args=["xlsx"]) in client.get(reverse("lights:list")).content.decode()
    client.force_login(world.users[Role.COUNTY_USER])
    assert labels() == ["甲区快速路"]  # the other county's lights are not in the county user's file
