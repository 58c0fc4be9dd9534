from apps.core.querysets import pk_in, text_in
from apps.projects.models import Project
from tests import factories as f


def test_pk_in_takes_more_ids_than_sqlite_binds(world):
    extra = f.ProjectFactory(region=world.county_b)
    wanted = [world.p_a.pk, extra.pk]
    # 40,000 ids would exceed SQLite's 32,766 bound parameters with a plain pk__in.
    ids = wanted + list(range(10_000_000, 10_040_000))
    assert sorted(Project.objects.filter(pk_in(ids)).values_list("pk", flat=True)) == sorted(wanted)
    assert not Project.objects.filter(pk_in([])).exists()


def test_text_in_takes_more_values_than_sqlite_binds(world):
    names = [world.p_a.name, world.p_c.name, *(f"不存在的项目{n}" for n in range(40_000))]
    assert set(Project.objects.filter(text_in(names, "name")).values_list("pk", flat=True)) == {
        world.p_a.pk,
        world.p_c.pk,
    }
    assert not Project.objects.filter(text_in([], "name")).exists()
    # Codes and names are matched exactly: no pattern, no case folding.
    assert not Project.objects.filter(text_in([world.p_a.name[:-1] + "%"], "name")).exists()
