"""Every list's filter bar offers 全部 as the empty choice of a yes/no filter, and reads it as
"don't filter"; 是/否 filter."""

import importlib

import django_filters
import pytest
from django.apps import apps as django_apps

from apps.core.filters import YesNoFilter


def _filtersets():
    for config in django_apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        try:
            importlib.import_module(f"{config.name}.filters")
        except ModuleNotFoundError:
            continue
    stack, found = list(django_filters.FilterSet.__subclasses__()), set()
    while stack:
        klass = stack.pop()
        if klass not in found:
            found.add(klass)
            stack.extend(klass.__subclasses__())
    return [klass for klass in found if klass.__module__.startswith("apps.")]


def test_every_yes_no_filter_offers_all_as_its_empty_choice():
    filtersets = _filtersets()
    assert len(filtersets) > 10  # the walk found the apps' FilterSets
    plain = [
        f"{klass.__module__}.{klass.__name__}.{name}"
        for klass in filtersets
        for name, declared in klass.base_filters.items()
        if isinstance(declared, django_filters.BooleanFilter) and not isinstance(declared, YesNoFilter)
    ]
    assert plain == []


@pytest.mark.parametrize(("value", "expected"), [("", None), ("true", True), ("false", False)])
def test_the_yes_no_filter_reads_all_yes_and_no(value, expected):
    field = YesNoFilter(field_name="x").field
    assert field.clean(value) is expected
    html = field.widget.render("x", None)
    assert "全部" in html and "未知" not in html
