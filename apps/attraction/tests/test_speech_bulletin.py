"""The speech page and the bulletin say the pipeline's and the reserve's figures where the
speeches speak of them (已签约项目要跟踪督办、尽快落地; 主动策划储备项目; 没几个成熟的产业项目),
each linked to the leads or reserve projects behind it, equal to a hand count (today
2026-12-01; November's bulletin)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.attraction.models import LeadStage
from apps.bulletins import services as bulletin_services
from apps.bulletins.content import bulletin_content
from apps.reserve.models import ReviewStatus
from apps.reserve.tests.conftest import make

from .factories import lead_with_history

pytestmark = pytest.mark.django_db
D = datetime.date
S = LeadStage


@pytest.fixture
def pipeline(world, bureau):
    common = {"attraction_unit": bureau}
    early = {S.LEAD: D(2026, 3, 1), S.ASSESSING: D(2026, 3, 2), S.NEGOTIATING: D(2026, 3, 10)}
    signed = {**early, S.SIGNED: D(2026, 4, 1)}
    registered = {**signed, S.REGISTERED: D(2026, 4, 20)}
    return [
        # Signed 4 Apr in county A, registered (落地 from 注册 by default): landed.
        lead_with_history(events=registered, contract=(20000, D(2026, 4, 1)), region=world.county_a, **common),
        # Signed, not registered after 30 days: not landed, exit due.
        lead_with_history(events=signed, contract=(5000, D(2026, 4, 1)), region=world.county_b, **common),
        lead_with_history(events=early, region=world.county_a, **common),
    ]


@pytest.fixture
def reserve(world):
    admitted = ReviewStatus.ADMITTED
    return [
        make(world, region=world.county_a, proposer=world.dept, status=admitted, maturity="ready"),
        make(world, region=world.county_a, proposer=world.dept, status=admitted, category="infrastructure"),
        make(world, region=world.county_b, proposer=world.dept, status=admitted, category="infrastructure"),
        make(world, region=world.county_b, proposer=world.dept, status=ReviewStatus.SUBMITTED),
    ]


def test_speech_hints_equal_a_hand_count_and_link(client, world, pipeline, reserve):
    admin = world.users[Role.CITY_ADMIN]
    client.force_login(admin)
    html = client.get(
        reverse("dashboard:speech"), {"region": world.city.pk, "year": 2026, "month": 11}
    ).content.decode()
    text = re.sub(r"<[^>]+>", "", html)
    assert "已签约项目要跟踪督办，尽快落地。" in text
    # 2 signed, 1 of them landed: 50%; 3 reserve projects admitted (the submitted one is not in),
    # 1 industry of 3 → 33.3%; 1 industry project ready.
    assert re.search(r"签约项目数\s*2\s*个", text), text[text.find("已签约项目") - 50 :][:600]
    assert re.search(r"落地率\s*50(\.0+)?\s*%", text)
    assert re.search(r"储备项目\s*3\s*个", text)
    assert re.search(r"成熟的产业储备项目\s*1\s*个", text)
    assert f"figure=signed&amp;region={world.city.pk}" in html
    assert "category=industry&amp;maturity=ready" in html
    # The link lists exactly the leads counted.
    listed = client.get(reverse("attraction:list"), {"figure": "signed", "region": world.city.pk})
    assert "共 2 条线索" in listed.content.decode()
    # County A's user: its own figures only (1 signed lead, 2 reserve projects).
    client.force_login(world.users[Role.COUNTY_USER])
    text = re.sub(r"<[^>]+>", "", client.get(reverse("dashboard:speech"), {"year": 2026, "month": 11}).content.decode())
    assert re.search(r"签约项目数\s*1\s*个", text) and re.search(r"储备项目\s*2\s*个", text)


def test_bulletin_section(world, pipeline, reserve):
    admin = world.users[Role.CITY_ADMIN]
    bulletin = bulletin_services.bulletin_draft(actor=admin, region=world.city, kind="month", year=2026, month=11)
    data = bulletin.snapshot["attraction"]
    assert data["leads"]["signed"]["value"] == "2" and Decimal(data["reserve"]["count"]["value"]) == 3
    text = bulletin_content(bulletin.snapshot, requirements="").plain
    assert "招商引资和项目谋划储备" in text
    assert "签约招商项目2个，合同投资2.5亿元，落地率50" in text
    assert "应启动退出" in text
    assert "谋划储备库在库项目3个，估算投资3亿元，其中产业项目占33.3" in text and "产业项目谋划不足" in text
    # A snapshot frozen before the section existed: no section, no error.
    del bulletin.snapshot["attraction"]
    assert "招商引资和项目谋划储备" not in bulletin_content(bulletin.snapshot, requirements="").plain
