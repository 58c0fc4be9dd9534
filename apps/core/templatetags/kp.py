from decimal import Decimal

from django import template
from django.utils.http import urlencode

from apps.core.money import normalize_wan, wan_to_yi

register = template.Library()


@register.filter
def yi(amount):
    """万元 -> 亿元 with two decimals."""
    return wan_to_yi(amount)


@register.filter
def wan(amount):
    if amount is None:
        return ""
    return f"{normalize_wan(Decimal(amount)):,f}"


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for sort and page links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True)
