"""Figures per department, item type and the whole process, counted by hand; and the cost of
the pages and lists (no N+1)."""

import datetime

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.approvals import selectors
from apps.approvals.models import ApprovalItemType, ItemStatus
from tests import factories as f

from .factories import ItemFactory, ItemTypeFactory

D = datetime.date
TODAY = D(2026, 10, 16)


@pytest.fixture
def history(catalogue):
    world = catalogue
    kind = ItemTypeFactory(name="测试事项")
    ItemFactory(  # decided: 22, 23, 24, 28, 29 Sep = 5 working days
        project=world.p_a,
        item_type=kind,
        department=world.dept,
        status=ItemStatus.APPROVED,
        submitted_on=D(2026, 9, 21),
        accepted_on=D(2026, 9, 21),
        decided_on=D(2026, 9, 29),
        document_number="1号",
    )
    ItemFactory(  # open and overdue: 9, 10 (make-up), 12–16 Oct = 7 working days by 16 Oct
        project=world.p_b,
        item_type=kind,
        department=world.dept,
        status=ItemStatus.ACCEPTED,
        submitted_on=D(2026, 10, 8),
        accepted_on=D(2026, 10, 8),
        due_date=D(2026, 10, 14),
        commitment_applies=False,
    )
    ItemFactory(  # deemed approved: 2, 3, 4, 7, 8, 9, 10 Sep = 7
        project=world.p_c,
        item_type=kind,
        department=world.other_dept,
        status=ItemStatus.DEEMED_APPROVED,
        submitted_on=D(2026, 9, 1),
        accepted_on=D(2026, 9, 1),
        decided_on=D(2026, 9, 10),
    )
    approval = ApprovalItemType.objects.get(code="project_approval_approval")
    permit = ApprovalItemType.objects.get(code="construction_permit")
    done = {"status": ItemStatus.APPROVED, "document_number": "文号"}
    ItemFactory(project=world.p_a, item_type=approval, submitted_on=D(2026, 8, 3), decided_on=D(2026, 9, 1), **done)
    ItemFactory(project=world.p_a, item_type=permit, submitted_on=D(2026, 10, 12), decided_on=D(2026, 10, 16), **done)
    ItemFactory(project=world.p_b, item_type=approval, submitted_on=D(2026, 9, 1), decided_on=D(2026, 10, 9), **done)
    return world


def test_figures_per_department_and_whole_process(history):
    figures = selectors.figures(user=history.users[Role.CITY_ADMIN], today=TODAY)
    by_department = {g.label: g for g in figures.by_department}
    dept, other = by_department["市交通运输局"], by_department["市水利局"]
    assert (dept.pending, dept.overdue, dept.deemed, dept.decided, dept.average, dept.longest) == (1, 1, 0, 1, 5.0, 7)
    assert dept.longest_item["project"] == "乙县水厂" and dept.longest_item["open"]
    assert (other.pending, other.overdue, other.deemed, other.decided, other.average) == (0, 0, 1, 1, 7.0)
    assert [(s["project"], s["department"], s["days"]) for s in figures.stuck] == [("乙县水厂", "市交通运输局", 7)]
    # 立项 1 Sep to 施工许可 16 Oct: Sep 2–4, 7–11, 14–18, make-up Sun 20, 21–24, 28–30 (21 days);
    # Oct 8, 9, make-up Sat 10, 12–16 (8): 29. p_b: approved 9 Oct, running: 10 (make-up), 12–16 = 6.
    rows = {(r.name, r.workdays, r.finished) for r in figures.whole_process}
    assert rows == {("甲区快速路", 29, True), ("乙县水厂", 6, False)}
    assert (figures.target, figures.finished_count, figures.finished_within_target) == (120, 1, 1)
    assert figures.average_whole_process == 29.0
    assert figures.calendar_error is None


def test_figures_keep_to_the_scope(history):
    figures = selectors.figures(user=history.users[Role.COUNTY_USER], today=TODAY)
    assert {g.label for g in figures.by_department} == {"市交通运输局", "—"}
    assert {r.name for r in figures.whole_process} == {"甲区快速路"}


def test_figures_page_and_api(client, history):
    client.force_login(history.users[Role.CITY_ADMIN])
    page = client.get(reverse("approvals:figures")).content.decode()
    assert "市交通运输局" in page and "乙县水厂" in page
    data = client.get("/api/v1/approvals/figures").json()
    assert data["target"] == 120


def _many(world, n):
    kind = ItemTypeFactory()
    for i in range(n):
        project = f.ProjectFactory(region=world.county_a, owner_unit=world.owner, lead_department=world.dept)
        item = ItemFactory(
            project=project,
            item_type=kind,
            department=world.dept,
            status=ItemStatus.ACCEPTED,
            submitted_on=D(2026, 9, 21),
            accepted_on=D(2026, 9, 21),
            due_date=D(2026, 9, 29) if i % 2 else None,
            commitment_applies=False,
        )
        item.depends_on.set([])


@pytest.mark.parametrize("n", [3, 12])
@pytest.mark.parametrize(
    "url",
    [
        "/approvals/",
        "/approvals/overdue/",
        "/approvals/figures/",
        "/api/v1/approvals/items",
        "/api/v1/approvals/worklist",
    ],
)
def test_lists_cost_the_same_for_any_number_of_items(client, world, django_assert_max_num_queries, n, url):
    _many(world, n)
    client.force_login(world.users[Role.DEPARTMENT_USER])
    with django_assert_max_num_queries(13):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [3, 12])
def test_project_page_cost_is_flat(client, world, django_assert_max_num_queries, n):
    kind = [ItemTypeFactory() for _ in range(n)]
    for item_type in kind:
        ItemFactory(project=world.p_a, item_type=item_type, department=world.dept)
    client.force_login(world.users[Role.CITY_ADMIN])
    with django_assert_max_num_queries(18):
        assert client.get(reverse("approvals:project", args=[world.p_a.pk])).status_code == 200


@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.COUNTY_USER, Role.DEPARTMENT_USER])
def test_every_count_of_the_figures_opens_exactly_its_items(client, history, role):
    from tests.drill import assert_counts_drill_down

    client.force_login(history.users[role])
    # 4 counts per department and per item type; every one opens a list of that many items.
    links = assert_counts_drill_down(client, reverse("approvals:figures"), reverse("approvals:items"), minimum=8)
    assert links % 4 == 0
    page = client.get(reverse("approvals:items") + "?figure=decided")
    assert page.status_code == 200 and reverse("approvals:items_export", args=["xlsx"]) in page.content.decode()
