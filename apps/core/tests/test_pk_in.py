from apps.core.querysets import pk_in
from apps.projects.models import Project
from tests import factories as f


def test_pk_in_takes_more_ids_than_sqlite_binds(world):
    extra = f.ProjectFactory(region=world.county_b)
    wanted = [world.p_a.pk, extra.pk]
    # 40,000 ids would exceed SQLite's 32,766 bound parameters with a plain pk__in.
    ids = wanted + list(range(10_000_000, 10_040_000))
    assert sorted(Project.objects.filter(pk_in(ids)).values_list("pk", flat=True)) == sorted(wanted)
    assert not Project.objects.filter(pk_in([])).exists()
