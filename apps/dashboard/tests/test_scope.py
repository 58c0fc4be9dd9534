"""A dashboard says which projects its figures cover and never sets a partial project set
beside region-wide official figures; the region selector offers the user's own region tree."""

import pytest
from django.urls import reverse
from django.utils.http import urlencode

from apps.accounts.models import Role

from .fixtures import MONTH, YEAR

pytestmark = pytest.mark.django_db

REGION_WIDE = {"fai_ytd", "period_gap", "target_plan_gap", "fai_target_amount", "fai_yoy_growth"}


def keys(response):
    return {fig["key"] for card in response.context["cards"] for fig in (card["main"], *card["subs"])}


def get(client, user, name="dashboard:index", **params):
    client.force_login(user)
    return client.get(f"{reverse(name)}?{urlencode({'year': YEAR, 'month': MONTH, **params})}")


@pytest.mark.parametrize(
    "role, label", [(Role.DEPARTMENT_USER, "本部门牵头或协作的项目"), (Role.OWNER_REPORTER, "本单位项目")]
)
def test_partial_scopes_say_so_and_hide_region_wide_figures(client, town, role, label):
    response = get(client, town.users[role])
    html = response.content.decode()
    assert response.context["scope"].label == label and f"· {label}</small>" in html
    assert 'id="scope-note"' in html
    assert not keys(response) & REGION_WIDE
    assert 'id="rank-fai"' not in html and 'id="rank-plan"' in html
    speech = get(client, town.users[role], "dashboard:speech")
    text = speech.context["plain_text"]
    assert label in text and "固定资产投资" not in "".join(
        part.title for filled in speech.context["speeches"] for s in filled.sentences for part in s.parts
    )


def test_the_whole_region_keeps_official_figures(client, town):
    response = get(client, town.users[Role.CITY_ADMIN])
    assert response.context["scope"].whole_region and "全部项目" in response.content.decode()
    assert keys(response) >= REGION_WIDE
    assert 'id="scope-note"' not in response.content.decode()
    # A narrower set of the same region is partial too.
    leader_set = get(client, town.users[Role.CITY_ADMIN], set="leader")
    assert not leader_set.context["scope"].whole_region and not keys(leader_set) & REGION_WIDE


def test_region_selector_offers_only_the_users_region_tree(client, town):
    for role in (Role.DEPARTMENT_USER, Role.OWNER_REPORTER, Role.AUDITOR, Role.CITY_ADMIN):
        names = [name.strip("\u3000") for _pk, name in get(client, town.users[role]).context["filters"]["regions"]]
        assert "乙市" not in names and town.city.name in names, (role, names)
    county = [
        name.strip("\u3000") for _pk, name in get(client, town.users[Role.COUNTY_USER]).context["filters"]["regions"]
    ]
    assert county == ["甲区"]


@pytest.mark.parametrize("key, column", [("completed_ytd", "completed"), ("annual_planned_investment", "plan")])
def test_a_drilldown_shows_the_figures_column_with_a_total_equal_to_it(client, town, key, column):
    from apps.core.money import wan_to_yi

    response = get(client, town.users[Role.CITY_ADMIN], "dashboard:projects", indicator=key)
    figure = response.context["figure"].value
    assert figure is not None
    assert wan_to_yi(response.context["sums"][column]) == figure
    rows = response.context["page"].object_list
    assert sum((getattr(project, column) or 0) for project in rows) == response.context["sums"][column]
    assert 'id="drill-total"' in response.content.decode()
