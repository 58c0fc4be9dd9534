"""The lights on pages other apps own: a project's panel (one query) and the worst light of
each row of a page of projects (one query for the page)."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("lights/_project_panel.html", takes_context=True)
def project_lights_panel(context, project):
    user = context["request"].user
    year, month = selectors.default_period()
    lights = selectors.project_lights(user=user, project_id=project.pk, period=(year, month))
    return {
        "lights": lights,
        "current": [light for light in lights if (light.year, light.month) == (year, month)],
        "year": year,
        "month": month,
        "project": project,
    }


@register.simple_tag(takes_context=True)
def row_lights(context, projects):
    """{% row_lights page.object_list as lights %}: project id → its worst light this period."""
    return selectors.worst_lights(user=context["request"].user, project_ids=[project.pk for project in projects])


@register.filter
def light_of(lights: dict, project_id):
    return lights.get(project_id)


@register.inclusion_tag("lights/_badge.html")
def light_badge(light):
    return {"light": light}


@register.inclusion_tag("lights/_dashboard_counts.html", takes_context=True)
def lights_by_county(context, region, year=None, month=None, project_set="all"):
    """The dashboard's panel: lights of the month (default: the latest evaluated) by county
    and colour, within the dashboard's region, project set and the user's scope; each count
    links to its list."""
    user = context["request"].user
    if year is None or month is None:
        year, month = selectors.default_period()
    queryset = selectors.light_queryset(user=user).filter(year=year, month=month)
    if region is not None:
        queryset = queryset.filter(region__code__startswith=region.code_prefix)
    if project_set and project_set != "all":
        from apps.statistics.indicators import parse_project_set

        # A project set covers project lights only (a county's or an item's own light has no set).
        queryset = queryset.filter(parse_project_set(project_set, "project__"))
    return {
        "set": "" if project_set in ("", "all") else project_set,
        "rows": selectors.counts_by_region(queryset=queryset),
        "year": year,
        "month": month,
        "region": region,
        "colours": selectors.LIT_COLOURS,
    }
