from django import template

from apps.core.navigation import nav_groups

register = template.Library()


@register.inclusion_tag("includes/nav.html", takes_context=True)
def nav_menu(context):
    request = context["request"]
    return {"groups": nav_groups(request.user, request.path)}
