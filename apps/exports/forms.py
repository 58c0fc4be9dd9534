"""The options of an export (besides the project filters, which are ProjectFilterSet's)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ExportFormat

GROUPINGS = (("", _("不分组")), ("category", _("按项目类别分组")), ("county", _("按县区分组")))


class ExportOptionsForm(forms.Form):
    """`year`/`month` are required for period exports (progress table, templates)."""

    format = forms.ChoiceField(label=_("格式"), choices=ExportFormat.choices, required=False)
    group = forms.ChoiceField(label=_("分组"), choices=GROUPINGS, required=False)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12, required=False)
    owner_unit = forms.IntegerField(label=_("建设单位"), min_value=1, required=False)

    def __init__(self, *args, period_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.period_required = period_required

    def clean(self):
        data = super().clean()
        if self.period_required:
            for name in ("year", "month"):
                if name not in self.errors and not data.get(name):
                    self.add_error(name, _("请选择填报期的年度和月份。"))
        data["format"] = data.get("format") or ExportFormat.XLSX
        data["year"] = data.get("year") or timezone.localdate().year
        return data


def options_or_error(params, *, period_required: bool = False) -> dict:
    """The cleaned options, or a ValidationError keyed by field with Chinese messages."""
    form = ExportOptionsForm(params, period_required=period_required)
    if not form.is_valid():
        raise ValidationError({field: list(messages) for field, messages in form.errors.items()})
    return form.cleaned_data
