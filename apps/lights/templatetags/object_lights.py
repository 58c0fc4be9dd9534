"""Lights of objects other apps registered as subjects (bond batches, investment leads):
a panel on the object's page and a lamp per row of its lists (one query each)."""

from django import template

from .. import objects, selectors

register = template.Library()


@register.inclusion_tag("lights/_object_panel.html")
def object_lights_panel(subject, object_id):
    year, month = selectors.default_period()
    lights = objects.object_lights(subject=subject, object_id=object_id)
    return {
        "lights": lights,
        "current": [light for light in lights if (light.year, light.month) == (year, month)],
        "year": year,
        "month": month,
    }


@register.simple_tag
def object_row_lights(subject, rows, attr="pk"):
    """{% object_row_lights "bond_allocation" rows "allocation.pk" as lights %}: the id of each
    row (a dotted attribute) → its worst light this period."""

    def object_id(row):
        for name in attr.split("."):
            row = getattr(row, name)
        return row

    return objects.worst_object_lights(subject=subject, object_ids=[object_id(row) for row in rows])


@register.inclusion_tag("lights/_object_lamp.html")
def object_lamp(lights, object_id):
    return {"light": lights.get(object_id)}
