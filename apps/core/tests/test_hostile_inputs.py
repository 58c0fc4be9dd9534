"""Zero 5xx: every API operation answered with bad input gets a 4xx JSON answer in Chinese.
The operations are read from the OpenAPI document, so a new endpoint is covered too."""

import re

import pytest

from apps.accounts.models import Role
from keyprojects.api import api

HUGE = 2**63
DOCUMENT = api.get_openapi_schema()


def _operations(method=None):
    for path, item in DOCUMENT["paths"].items():
        for verb, operation in item.items():
            if method is None or verb == method:
                yield path, verb, operation


def _params(operation, where):
    return [p for p in operation.get("parameters", []) if p["in"] == where]


def _is_int(parameter):
    schema = parameter.get("schema", {})
    return schema.get("type") == "integer" or any(s.get("type") == "integer" for s in schema.get("anyOf", []))


def _fill(path, value):
    return re.sub(r"\{[^}]+\}", str(value), path)


def _assert_4xx_json(response, label):
    assert 400 <= response.status_code < 500, (label, response.status_code, response.content[:300])
    body = response.json()
    assert re.search(r"[\u4e00-\u9fff]", body["detail"]), (label, body)


OFFSET_LISTS = [
    path for path, _verb, op in _operations("get") if any(p["name"] == "offset" for p in _params(op, "query"))
]
ID_PATHS = [
    (path, verb)
    for path, verb, op in _operations()
    if any(_is_int(p) for p in _params(op, "path")) and verb != "delete"
]
INT_QUERIES = [(path, p["name"]) for path, _verb, op in _operations("get") for p in _params(op, "query") if _is_int(p)]


@pytest.fixture
def admin(client, world):
    client.force_login(world.users[Role.CITY_ADMIN])
    return client


def test_the_document_lists_what_we_probe():
    assert len(OFFSET_LISTS) >= 5 and len(ID_PATHS) >= 20 and len(INT_QUERIES) >= 10


@pytest.mark.django_db
@pytest.mark.parametrize("path", OFFSET_LISTS)
def test_huge_offsets_are_refused(admin, path):
    if "{" in path:
        path = _fill(path, 1)
    response = admin.get(path, {"offset": HUGE})
    assert response.status_code < 500, response.content[:300]
    if response.status_code == 422:
        assert response.json()["errors"]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "verb"), ID_PATHS)
def test_huge_ids_in_paths_are_refused(admin, path, verb):
    response = admin.generic(verb.upper(), _fill(path, HUGE), "{}", content_type="application/json")
    _assert_4xx_json(response, path)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "name"), INT_QUERIES)
@pytest.mark.parametrize("value", [0, -1, HUGE])
def test_extreme_integers_in_queries_are_answered(admin, path, name, value):
    response = admin.get(_fill(path, 1), {name: value})
    assert response.status_code < 500, (path, name, value, response.content[:300])


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["甲\x00乙", "\ud800", "a\udfffb"])
def test_unstorable_text_in_json_names_the_field(admin, world, text):
    response = admin.post(
        "/api/v1/projects",
        '{"name": ' + __import__("json").dumps(text) + ', "region": ' + str(world.county_a.pk) + "}",
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "name" in response.json()["errors"] and "空字符" in response.json()["errors"]["name"][0]


@pytest.mark.django_db
def test_unstorable_text_in_a_query_names_the_parameter(admin):
    response = admin.get("/api/v1/projects", {"q": "甲\x00"})
    assert response.status_code == 422 and "q" in response.json()["errors"]
