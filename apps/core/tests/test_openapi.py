"""The OpenAPI document is true: one component per schema class, each operation's request
body is the schema its endpoint reads, and the docs page needs no CDN."""

import pytest
from ninja import Schema
from pydantic import BaseModel

from keyprojects.api import api


def _operations():
    for path_view in api._get_operations() if hasattr(api, "_get_operations") else []:
        yield path_view
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield prefix, path, operation


def test_schema_class_names_are_unique():
    seen, clashes = {}, set()
    for _prefix, _path, operation in _operations():
        models = [model for model in operation.models]
        for response_model in (operation.response_models or {}).values():
            if response_model is not None:
                models.append(response_model)
        for model in models:
            for klass in _schema_classes(model):
                other = seen.setdefault(klass.__name__, klass)
                if other is not klass:
                    clashes.add(f"{klass.__name__}: {other.__module__} and {klass.__module__}")
    # Two classes of one name become one OpenAPI component: one endpoint documents the other's body.
    assert not clashes, sorted(clashes)


def _schema_classes(model):
    """The Schema classes a ninja model refers to (its fields, recursively). Ninja wraps each
    operation's parameters and responses in generated models (module "abc"): walk through
    those too, or the schemas inside them are never compared."""
    found, seen, stack = [], set(), [model]
    while stack:
        current = stack.pop()
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or current in seen:
            continue
        seen.add(current)
        if issubclass(current, Schema) and current.__module__.startswith("apps."):
            found.append(current)
        for field in current.model_fields.values():
            stack.extend(_annotation_types(field.annotation))
    return found


def _annotation_types(annotation):
    import typing

    args = typing.get_args(annotation)
    return [annotation] if not args else [t for arg in args for t in _annotation_types(arg)]


def test_each_request_body_documents_what_the_endpoint_reads():
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    checked = 0
    for prefix, path, operation in _operations():
        body_models = [m for m in operation.models if getattr(m, "__ninja_param_source__", "") == "body"]
        for body_model in body_models:
            for name, field in body_model.model_fields.items():
                annotation = field.annotation
                if not (isinstance(annotation, type) and issubclass(annotation, Schema)):
                    continue
                full = "/api/v1" + (prefix.rstrip("/") + "/" + path.lstrip("/")).replace("//", "/")
                full = full.rstrip("/") if full != "/api/v1/" else full
                for method in operation.methods:
                    documented = document["paths"].get(full, {}).get(method.lower())
                    if documented is None:
                        continue
                    ref = documented["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                    component = components[ref.rsplit("/", 1)[1]]
                    assert set(component["properties"]) == set(annotation.model_fields), (method, full, name)
                    checked += 1
    assert checked >= 20


@pytest.mark.django_db
def test_docs_page_serves_swagger_from_this_server(client, world):
    from apps.accounts.models import Role

    client.force_login(world.users[Role.CITY_ADMIN])
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in page and "cdn." not in page and "//unpkg" not in page
