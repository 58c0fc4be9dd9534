"""One normalisation and one rule for codes and names, on every path."""

import pytest

from apps.accounts.models import Role
from apps.core.text import name_problem, normalise_code
from apps.projects.models import Project

JSON = "application/json"


def test_full_width_digits_become_ascii_and_other_digits_fail():
    assert normalise_code("２０２６－６１０３０２－４８－０１－０１２３４５") == "2026-610302-48-01-012345"
    from django.core.exceptions import ValidationError

    from apps.projects.models import validate_project_code

    with pytest.raises(ValidationError):
        validate_project_code("٢٠٢٦-610302-48-01-012345")  # Arabic-Indic digits


@pytest.mark.parametrize("name", ["   ", "\u3000", "甲\n乙", "甲\r乙", "甲\x1b[31m乙", "甲\t乙", ""])
def test_bad_names(name):
    assert name_problem(name)


@pytest.mark.django_db
def test_api_normalises_codes_and_refuses_duplicates_and_bad_names(client, world):
    world.p_a.project_code = "2026-610302-48-01-012345"
    world.p_a.save()
    client.force_login(world.users[Role.CITY_ADMIN])
    body = {
        "name": "新项目",
        "region": world.county_a.pk,
        "category": "industry",
        "investor_type": "enterprise",
        "total_investment": "100",
        "stage": "reserve",
        "owner_unit": world.owner.pk,
    }
    duplicate = client.post(
        "/api/v1/projects", {**body, "project_code": "２０２６-610302-48-01-012345"}, content_type=JSON
    )
    assert duplicate.status_code == 422 and "project_code" in duplicate.json()["errors"]
    for bad in ("   ", "甲\r\n乙", "甲\x1b乙"):
        response = client.post("/api/v1/projects", {**body, "name": bad}, content_type=JSON)
        assert response.status_code == 422 and "name" in response.json()["errors"], bad
    created = client.post(
        "/api/v1/projects",
        {**body, "name": "  新项目  ", "project_code": "２０２６-610302-48-01-099999"},
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    project = Project.objects.get(pk=created.json()["id"])
    assert project.project_code == "2026-610302-48-01-099999" and project.name == "新项目"
