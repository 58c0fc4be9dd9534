"""Forms of the reporting pages. They collect input; the services validate again and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.projects.forms import DATE_INPUT

from .models import MonthlyReport
from .services import REPORT_FIELDS

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class ReportForm(forms.ModelForm):
    """The month's figures. `version` carries the version the reporter loaded."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, error_messages={"required": _("修改时必须提交编辑时加载的版本号。")}
    )

    class Meta:
        model = MonthlyReport
        fields = list(REPORT_FIELDS)
        widgets = {
            "actual_start_date": DATE_INPUT,
            "physical_progress": TEXTAREA,
            "problems": TEXTAREA,
            "next_steps": TEXTAREA,
            "notes": TEXTAREA,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # changing a saved report: the loaded version is required
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version

    def _post_clean(self):
        # Model validation runs in the service.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in REPORT_FIELDS}


class RevisionForm(ReportForm):
    """A revision request: the reason and the values the report should have."""

    reason = forms.CharField(label=_("修改理由"), widget=TEXTAREA)

    field_order = ["reason", *REPORT_FIELDS]


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("审批意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)
    deadline = forms.DateField(
        label=_("截止日期"), widget=DATE_INPUT, required=False, help_text=_("不填则为统计设置中的月报默认截止日。")
    )
