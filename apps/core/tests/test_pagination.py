"""page_by_ids: a page's ids picked by a narrow query, then its rows read."""

import pytest
from django.core.paginator import Paginator
from django.db.models import F, Value
from django.db.models.functions import Concat

from apps.core.pagination import page_by_ids
from apps.projects.models import Project
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects():
    county = f.county(f.city(), 2, "甲区")
    for n in range(23):
        f.ProjectFactory(region=county, name=f"项目{n % 5}-{n:02d}", total_investment=1000 + (n * 37) % 11)
    return (
        Project.objects.select_related("region")
        .annotate(label=Concat(F("region__name"), Value("·"), F("name")))
        .order_by("-total_investment", "name", "pk")
    )


@pytest.mark.parametrize("number", [1, 2, 3, "9", "x", None])
def test_a_page_is_the_same_page_the_paginator_gives(projects, number):
    plain = Paginator(projects, 10).get_page(number)
    page = page_by_ids(projects, size=10, number=number)
    assert [p.pk for p in page.object_list] == [p.pk for p in plain.object_list]
    assert [p.label for p in page.object_list] == [p.label for p in plain.object_list]
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (plain.number, 23, 3)
    assert (page.has_next(), page.has_previous()) == (plain.has_next(), plain.has_previous())


def test_a_row_that_left_the_list_between_the_two_reads_is_left_out(projects, monkeypatch):
    first = list(projects[:10])
    gone = first[3]
    in_bulk = type(projects).in_bulk

    def after_it_left(queryset, ids):
        Project.objects.filter(pk=gone.pk).update(total_investment=0, name="zz")
        return in_bulk(queryset.exclude(total_investment=0), ids)

    monkeypatch.setattr(type(projects), "in_bulk", after_it_left)
    page = page_by_ids(projects, size=10, number=1)
    assert [p.pk for p in page.object_list] == [p.pk for p in first if p.pk != gone.pk]
