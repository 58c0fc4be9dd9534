"""Forms of the bond pages. They collect input; the services validate and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import LoadedVersionForm
from apps.projects.forms import DATE_INPUT
from apps.regions.models import Region

from .models import (
    AdjustmentReason,
    BondIssue,
    BondProject,
    DocumentKind,
    PoolResult,
    QuotaKind,
    RepaymentKind,
    ReviewLevel,
    ReviewResult,
    ReviewSide,
)
from .services import BOND_FIELDS, ISSUE_FIELDS


class BondProjectForm(forms.ModelForm):
    # The version the editor loaded: required when changing a saved one (409-style refusal when stale).
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, error_messages={"required": _("修改时必须提交编辑时加载的版本号。")}
    )

    class Meta:
        model = BondProject
        fields = list(BOND_FIELDS)
        widgets = {"construction_start": DATE_INPUT, "construction_end": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version

    def _post_clean(self):
        # Model validation runs in the service.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in BOND_FIELDS}


# The bond project's version the page was loaded at: required (stale: refused).
_LoadedVersion = LoadedVersionForm


class DocumentForm(_LoadedVersion):
    kind = forms.ChoiceField(label=_("文件类型"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("文件（PDF、Word 或 OFD，不超过 20 MB）"))


class ReviewForm(_LoadedVersion):
    level = forms.ChoiceField(label=_("审核层级"), choices=ReviewLevel.choices)
    side = forms.ChoiceField(label=_("审核部门"), choices=ReviewSide.choices)
    result = forms.ChoiceField(label=_("审核结果"), choices=ReviewResult.choices)
    reviewed_on = forms.DateField(label=_("审核日期"), widget=DATE_INPUT)
    opinion = forms.CharField(label=_("审核意见"), required=False, max_length=1000)


class PoolForm(_LoadedVersion):
    side = forms.ChoiceField(
        label=_("入库"),
        choices=[("ndrc", _("国家重大建设项目库（发改）")), ("finance", _("地方政府债券项目库（财政）"))],
    )
    result = forms.ChoiceField(label=_("结果"), choices=PoolResult.choices)
    on = forms.DateField(label=_("日期"), widget=DATE_INPUT)


class QuotaForm(forms.Form):
    region = forms.ModelChoiceField(label=_("区划"), queryset=Region.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("额度类型"), choices=QuotaKind.choices)
    amount = forms.DecimalField(label=_("额度（万元）"), min_value=0, max_digits=16, decimal_places=4)
    document_number = forms.CharField(label=_("下达文号"), required=False, max_length=60)
    allocated_on = forms.DateField(label=_("下达日期"), widget=DATE_INPUT, required=False)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions


class IssueForm(forms.ModelForm):
    class Meta:
        model = BondIssue
        fields = list(ISSUE_FIELDS)
        widgets = {"issued_on": DATE_INPUT, "value_date": DATE_INPUT, "maturity_date": DATE_INPUT}

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["maturity_date"].required = False
        self.fields["maturity_date"].help_text = _("留空则为起息日加期限。")
        if regions is not None:
            self.fields["region"].queryset = regions

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ISSUE_FIELDS}


class AllocationForm(forms.Form):
    bond_project = forms.ModelChoiceField(label=_("债券项目"), queryset=BondProject.objects.none())
    amount = forms.DecimalField(label=_("下达金额（万元）"), min_value=0, max_digits=16, decimal_places=4)
    as_capital = forms.DecimalField(
        label=_("其中用作资本金（万元）"), min_value=0, max_digits=16, decimal_places=4, required=False
    )
    allocated_on = forms.DateField(label=_("下达日期"), widget=DATE_INPUT)

    def __init__(self, *args, bond_projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bond_projects is not None:
            self.fields["bond_project"].queryset = bond_projects


class SpendingForm(forms.Form):
    allocation = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)
    cumulative = forms.DecimalField(label=_("月末累计支出（万元）"), min_value=0, max_digits=16, decimal_places=4)


class RepaymentForm(forms.Form):
    allocation = forms.IntegerField(widget=forms.HiddenInput)
    due_date = forms.DateField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=RepaymentKind.choices, widget=forms.HiddenInput)
    paid_on = forms.DateField(label=_("实际支付日期"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_("实际支付（万元）"), min_value=0, max_digits=16, decimal_places=4)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class AdjustmentForm(forms.Form):
    allocation = forms.IntegerField(widget=forms.HiddenInput)
    to_bond_project = forms.ModelChoiceField(label=_("调入项目"), queryset=BondProject.objects.none())
    amount = forms.DecimalField(label=_("调整金额（万元）"), min_value=0, max_digits=16, decimal_places=4)
    reason = forms.ChoiceField(label=_("调整情形"), choices=AdjustmentReason.choices)
    explanation = forms.CharField(label=_("调整理由"), max_length=1000)

    def __init__(self, *args, bond_projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        if bond_projects is not None:
            self.fields["to_bond_project"].queryset = bond_projects


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审批"), choices=[("1", _("批准")), ("0", _("不批准"))], coerce=lambda value: value == "1"
    )
    note = forms.CharField(label=_("审批意见"), required=False, max_length=1000)
