from decimal import Decimal

from django import forms, template
from django.utils.http import urlencode
from django.utils.translation import get_language, pgettext_lazy

from apps.core.money import normalize_wan, percent_of, wan_to_yi

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


@register.simple_tag(takes_context=True)
def sort_query(context, field):
    """Query string sorting by `field`, or by `-field` when already sorted ascending by it."""
    current = context["request"].GET.get("sort", "")
    return query_with(context, sort=f"-{field}" if current == field else field, page=None)


@register.filter
def nature(project, year: int) -> str:
    return project.construction_nature(year)


@register.filter
def rate_of(part, whole):
    """{{ completed|rate_of:plan }}: percent with one decimal, empty without a plan."""
    rate = percent_of(part, whole)
    return "" if rate is None else rate


@register.filter
def as_known(value, precision="day"):
    """A project date as precisely as it is known ("2026-03-01", "2026年3月", "2026年",
    "2026年底前"): a year-only date is stored as 31 December, which is not a day anyone set."""
    if value is None or value == "":
        return "—"
    from apps.projects.models import precision_display

    return precision_display(value, precision or "day")


# Counting words (65个项目, 12名领导, 第3位) have no English word after a number: the figure's
# label already says what is counted, so in other languages they are left out.
COUNTING_WORDS = frozenset({"个", "名", "位", "件", "批"})
UNIT_NAMES = {
    "亿元": pgettext_lazy("unit", "亿元"),
    "万元": pgettext_lazy("unit", "万元"),
    "个百分点": pgettext_lazy("unit", "个百分点"),
    "天": pgettext_lazy("unit", "天"),
    "个工作日": pgettext_lazy("unit", "个工作日"),
    "亩": pgettext_lazy("unit", "亩"),
}


@register.filter
def unit_name(unit):
    """A figure's unit in the active language ("亿元" -> "100M yuan", "个" -> nothing in English)."""
    if not unit or (get_language() or "zh-hans").startswith("zh"):
        return unit or ""
    if unit in COUNTING_WORDS:
        return ""
    return str(UNIT_NAMES.get(unit, unit))


@register.filter
def holds_data(bound_field) -> bool:
    """A field whose choices are records (units, items, problems): their names are data, not
    interface text, and stay as entered in any language."""
    return isinstance(bound_field.field, forms.ModelChoiceField)
