"""The speech page fills the bond sentence from the bond programme, linked to the projects."""

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.bonds import services
from apps.bonds.models import BondProject
from apps.core.tests.versions import stored_version

pytestmark = pytest.mark.django_db


def test_speech_bond_sentence(client, world, make_bond_project):
    admin, county = world.users[Role.CITY_ADMIN], world.users[Role.COUNTY_USER]
    a = make_bond_project(world.p_a)
    make_bond_project(world.p_b, bond_amount=D(6000), capital_excl_bonds=D(3000))
    make_bond_project(world.p_c, submitted=False)
    services.bond_review_record(
        actor=county,
        bond_project_id=a.pk,
        level="county",
        side="ndrc",
        result="passed",
        expected_version=stored_version(BondProject, a.pk),
    )
    services.bond_review_record(
        actor=admin,
        bond_project_id=a.pk,
        level="city",
        side="ndrc",
        result="passed",
        expected_version=stored_version(BondProject, a.pk),
    )
    services.bond_review_record(
        actor=admin,
        bond_project_id=a.pk,
        level="province",
        side="ndrc",
        result="passed",
        expected_version=stored_version(BondProject, a.pk),
    )
    client.force_login(admin)
    response = client.get(reverse("dashboard:speech"), {"region": world.city.pk, "year": 2026, "month": 11})
    html = response.content.decode()
    text = re.sub(r"<[^>]+>", "", html)
    # Independent count: submitted bond projects of 2026, and those the province's 发改 passed.
    applied = BondProject.objects.filter(year=2026, round__gt=0).count()
    assert applied == 2
    assert f"今年我们计划争取的{applied}个一般专项债项目中，省发改委初步审核通过的入库项目不到1个" in text
    assert "figure=applied" in html and "figure=passed" in html
    # The link lists exactly the projects counted.
    listed = client.get(reverse("bonds:projects"), {"year": 2026, "figure": "passed", "region": world.city.pk})
    assert "共 1 个债券项目" in listed.content.decode()
    # A county user: the county's own figures.
    client.force_login(county)
    response = client.get(reverse("dashboard:speech"), {"year": 2026, "month": 11})
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    assert "今年我们计划争取的1个一般专项债项目中" in text
