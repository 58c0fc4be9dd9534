"""Forms collect input; the services validate again and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import LoadedVersionForm
from apps.projects.forms import DATE_INPUT
from apps.regions.models import Organisation, OrganisationKind, Region

from .models import ReserveProject

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class ReserveForm(forms.ModelForm):
    class Meta:
        model = ReserveProject
        fields = [
            "name",
            "region",
            "planning_source",
            "proposer",
            "category",
            "catalogue_class",
            "industry_code",
            "estimated_investment",
            "maturity",
            "tier",
            "planned_start_year",
            "proposed_on",
            "source_lead",
            "scope",
        ]
        widgets = {"scope": TEXTAREA, "proposed_on": DATE_INPUT}

    # The version the editor loaded: required when changing a saved project (stale: refused).
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, error_messages={"required": _("修改时必须提交编辑时加载的版本号。")}
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
        regions = user.region.subtree() if user is not None and user.region_id else Region.objects.all()
        self.fields["region"].queryset = regions
        proposers = Organisation.objects.filter(kind__in=[OrganisationKind.DEPARTMENT, OrganisationKind.OTHER])
        if user is not None and user.role == "department_user":
            proposers = proposers.filter(pk=user.organisation_id)
            self.fields["proposer"].required = False
        self.fields["proposer"].queryset = proposers
        from apps.attraction.models import InvestmentLead

        self.fields["source_lead"].queryset = (
            InvestmentLead.objects.restrict(user).order_by("name")
            if user is not None
            else InvestmentLead.objects.none()
        )

    def _post_clean(self):
        pass


class ReviewForm(LoadedVersionForm):
    approve = forms.TypedChoiceField(
        label=_("审核意见"), choices=[("1", _("通过")), ("0", _("退回"))], coerce=lambda v: v == "1"
    )
    reason = forms.CharField(label=_("退回原因"), required=False)


class ReasonForm(LoadedVersionForm):
    reason = forms.CharField(label=_("原因"), required=False)


class PromoteForm(LoadedVersionForm):
    year = forms.IntegerField(label=_("计划年度"))
    planned_investment = forms.DecimalField(label=_("年度计划投资（万元）"), max_digits=16, decimal_places=4)
    planned_start_date = forms.DateField(label=_("计划开工日期"), widget=DATE_INPUT)
    planned_end_date = forms.DateField(label=_("计划竣工日期"), widget=DATE_INPUT)
    owner_unit = forms.ModelChoiceField(
        label=_("建设单位"), queryset=Organisation.objects.filter(kind=OrganisationKind.OWNER_UNIT)
    )
    project_code = forms.CharField(label=_("项目代码（已赋码时填写）"), required=False)


class DecisionForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("部门项目谋划会"), queryset=None)
    decision = forms.CharField(label=_("议定事项"), widget=TEXTAREA, required=False)
    owner = forms.ModelChoiceField(
        label=_("责任单位"), queryset=Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT)
    )
    deadline = forms.DateField(label=_("完成时限"), widget=DATE_INPUT)

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
