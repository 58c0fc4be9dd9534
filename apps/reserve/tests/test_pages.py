"""The reserve pages by scope and through their forms."""

import pytest

from apps.accounts.models import Role
from apps.reserve.models import ReviewStatus

from .test_reserve import FIRST_REVIEWS, SEES


@pytest.mark.parametrize("role", Role.values)
def test_pages_by_scope(client, world, items, role):
    client.force_login(world.users[role])
    body = client.get("/reserve/").content.decode()
    for key, item in items.items():
        assert (f"/reserve/{item.pk}/" in body) == (key in SEES[role])
        response = client.get(f"/reserve/{item.pk}/")
        assert response.status_code == (200 if key in SEES[role] else 404)
        response = client.post(f"/reserve/{item.pk}/first_review/", {"approve": "1", "version": item.version})
        expected = 404 if key not in SEES[role] else (302 if key in FIRST_REVIEWS[role] else 403)
        assert response.status_code == expected, (key, response.content[:300])
    for url in (
        "/reserve/figures/",
        "/reserve/department-review/",
        f"/reserve/department-review/?department={world.dept.pk}",
    ):
        assert client.get(url).status_code in (200, 404)


def test_refused_review_shows_the_message(client, world, items):
    client.force_login(world.users[Role.CITY_ADMIN])
    item = items["r_a"]
    response = client.post(f"/reserve/{item.pk}/first_review/", {"approve": "0", "reason": "", "version": item.version})
    assert response.status_code == 422 and "请填写原因" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ReviewStatus.SUBMITTED


def test_propose_through_the_page(client, world):
    client.force_login(world.users[Role.DEPARTMENT_USER])
    response = client.post(
        "/reserve/new/",
        {
            "name": "城市停车场",
            "region": world.city.pk,
            "planning_source": "department",
            "category": "infrastructure",
            "catalogue_class": "encouraged",
            "estimated_investment": "8000",
            "maturity": "outline",
            "tier": "rolling",
            "proposed_on": "2026-11-30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert world.dept.reserve_projects.get().status == ReviewStatus.SUBMITTED
