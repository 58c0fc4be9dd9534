import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.bulk import bulk_insert, new_instance
from apps.projects.models import AnnualPlan, Project, Stage
from tests import factories as f

# Every column but the key and the timestamps (those differ by nature, checked apart).
FIELDS = [
    field.attname
    for field in Project._meta.concrete_fields
    if not field.primary_key and field.attname not in ("created_at", "updated_at")
]


def _projects(world, count: int) -> list[Project]:
    return [
        Project(
            name=f"批量项目{index}",
            project_code=f"2026-610302-48-01-{700000 + index:06d}",
            region=world.county_a,
            category="industry",
            investor_type="private",
            stage=Stage.UNDER_CONSTRUCTION if index % 2 else Stage.PRELIMINARY,
            scope="新建厂房" if index % 3 else "",
            total_investment=Decimal("12345.6789") + index,
            planned_start_date=datetime.date(2026, 1, 1) + datetime.timedelta(days=index),
            planned_end_date=datetime.date(2027, 12, 31),
            actual_start_date=datetime.date(2026, 2, 1) if index % 2 else None,
            lead_official=world.leader if index % 2 else None,
            owner_unit=world.owner,
        )
        for index in range(count)
    ]


def test_rows_read_back_as_bulk_create_writes_them(world):
    """Every column, the keys and the auto timestamps: the same as Django's bulk_create."""
    ours = _projects(world, 7)
    theirs = _projects(world, 7)
    for project in theirs:
        project.project_code = project.project_code.replace("-7", "-8")
        project.name += "（对照）"
    before = timezone.now()
    bulk_insert(Project, ours, batch_size=3)  # three statements, the last one shorter
    Project.objects.bulk_create(theirs)

    assert all(project.pk is not None and not project._state.adding for project in ours)
    assert len({project.pk for project in ours}) == 7
    stored = {row["pk"]: row for row in Project.objects.filter(pk__in=[p.pk for p in ours]).values("pk", *FIELDS)}
    reference = {row["name"]: row for row in Project.objects.filter(name__endswith="（对照）").values(*FIELDS)}
    for project in ours:
        row = stored[project.pk]
        # Each instance got the key of its own row.
        assert row["name"] == project.name
        expected = reference[project.name + "（对照）"]
        assert {**row, "name": None, "project_code": None} == {
            "pk": project.pk,
            **expected,
            "name": None,
            "project_code": None,
        }
    created = Project.objects.get(pk=ours[0].pk)
    assert created.created_at >= before and created.updated_at >= before
    assert created.total_investment == Decimal("12345.6789")


def test_children_take_the_keys_of_parents_inserted_after_they_were_built(world):
    projects = _projects(world, 3)
    plans = [AnnualPlan(project=project, year=2026, planned_investment=Decimal("100.5")) for project in projects]
    bulk_insert(Project, projects)
    bulk_insert(AnnualPlan, plans)
    assert sorted(AnnualPlan.objects.filter(year=2026, project__in=projects).values_list("project_id", flat=True)) == (
        sorted(project.pk for project in projects)
    )
    assert [plan.pk for plan in plans] == sorted(plan.pk for plan in plans)
    with CaptureQueriesContext(connection) as queries:
        assert [plan.project for plan in plans] == projects
    assert not queries, "each plan keeps its project object"


def test_a_child_of_an_unsaved_parent_is_refused(world):
    with pytest.raises(ValueError, match="not saved"):
        bulk_insert(AnnualPlan, [AnnualPlan(project=_projects(world, 1)[0], year=2026, planned_investment=1)])


def test_statements_hold_many_rows_and_nothing_for_no_rows(world):
    assert bulk_insert(Project, []) == []
    projects = _projects(world, 25)
    with CaptureQueriesContext(connection) as queries:
        bulk_insert(Project, projects, batch_size=10)
    assert len(queries) == 3
    assert Project.objects.filter(pk__in=[project.pk for project in projects]).count() == 25


def test_a_constraint_violation_fails_the_statement(world):
    from django.db import IntegrityError, transaction

    duplicate = _projects(world, 1)[0]
    duplicate.project_code = world.p_a.project_code
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(Project, [duplicate])


@pytest.mark.parametrize("count", [1, 60])
def test_more_rows_than_one_statement_binds(world, count):
    # SQLite binds 999 parameters a statement in Django's reckoning: 60 projects of 20
    # columns need several statements there, one on PostgreSQL.
    projects = _projects(world, count)
    bulk_insert(Project, projects)
    assert Project.objects.filter(name__startswith="批量项目").count() == count
    assert f.ProjectFactory(region=world.county_a).pk > max(project.pk for project in projects)


def test_new_instance_is_the_keyword_instance(world):
    values = {
        "name": "按位置",
        "region_id": world.county_a.pk,
        "owner_unit_id": world.owner.pk,
        "category": "industry",
        "total_investment": Decimal("1.5"),
        "planned_start_date": datetime.date(2026, 5, 1),
    }
    built, reference = new_instance(Project, values), Project(**values)
    fields = [field.attname for field in Project._meta.concrete_fields]
    assert [getattr(built, name) for name in fields] == [getattr(reference, name) for name in fields]
    assert built._state.adding and built.pk is None
    assert (built.level, built.stage, built.version, built.scope) == ("municipal", "reserve", 1, "")
    with pytest.raises(TypeError, match="region"):
        new_instance(Project, {"region": world.county_a})


def test_new_instance_calls_a_callable_default_for_each_instance():
    from apps.imports.models import ImportBatch

    first, second = new_instance(ImportBatch, {}), new_instance(ImportBatch, {})
    assert first.parameters == {} and first.warnings == [] and first.rows_total == 0
    first.parameters["year"] = 2026
    assert second.parameters == {}, "each instance has its own dict (default=dict)"
