"""Forms collect input; the services validate again and save (errors come back per field)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import LoadedVersionForm
from apps.projects.forms import DATE_INPUT
from apps.regions.models import Organisation, OrganisationKind, Person, Region

from .models import ExitReason, InvestmentLead, LeadStage, NoticeKind

TEXTAREA = forms.Textarea(attrs={"rows": 3})
# Stages a plain "advance" moves to; 签约, 注册, 开工 and 退出 have their own forms.
ADVANCE_STAGES = [
    (stage.value, stage.label)
    for stage in (
        LeadStage.ASSESSING,
        LeadStage.NEGOTIATING,
        LeadStage.LAND_SUPPLIED,
        LeadStage.IN_STATISTICS,
        LeadStage.IN_PRODUCTION,
        LeadStage.AT_CAPACITY,
    )
]


def departments():
    return Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT)


class LeadForm(forms.ModelForm):
    class Meta:
        model = InvestmentLead
        fields = [
            "name",
            "investor_name",
            "investor_credit_code",
            "is_leading_enterprise",
            "investor_origin",
            "region",
            "industry_code",
            "encouraged_industry",
            "category",
            "intended_investment",
            "source",
            "attraction_unit",
            "attraction_person",
            "content",
            "received_on",
        ]
        widgets = {"content": TEXTAREA, "received_on": DATE_INPUT}

    # The version the editor loaded: required when changing a saved lead (stale: refused).
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, error_messages={"required": _("修改时必须提交编辑时加载的版本号。")}
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
        self.fields["attraction_unit"].queryset = departments()
        if user is not None and user.region_id:
            self.fields["region"].queryset = user.region.subtree()
        else:
            self.fields["region"].queryset = Region.objects.all()
        if user is not None and user.organisation_id and user.role == "department_user":
            self.fields["attraction_unit"].required = False
            self.fields["attraction_unit"].queryset = departments().filter(pk=user.organisation_id)

    def _post_clean(self):
        # The service validates the whole lead (and the actor's scope) before saving.
        pass


# The forms that change the lead itself carry the version it was loaded at.
class AdvanceForm(LoadedVersionForm):
    stage = forms.ChoiceField(label=_("推进到"), choices=ADVANCE_STAGES)
    on = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    note = forms.CharField(label=_("说明"), required=False)


class SignForm(LoadedVersionForm):
    amount = forms.DecimalField(label=_("合同投资额（万元）"), max_digits=16, decimal_places=4)
    signed_on = forms.DateField(label=_("签约日期"), widget=DATE_INPUT)
    counterpart = forms.CharField(label=_("签约主体"), required=False)
    agreed_start_date = forms.DateField(label=_("约定开工日期"), widget=DATE_INPUT, required=False)
    signed_at_event = forms.CharField(label=_("签约活动"), required=False)
    commitments = forms.CharField(label=_("双方承诺事项"), widget=TEXTAREA, required=False)


class RegisteredForm(LoadedVersionForm):
    on = forms.DateField(label=_("注册日期"), widget=DATE_INPUT)
    credit_code = forms.CharField(label=_("统一社会信用代码"), required=False)
    enterprise_name = forms.CharField(label=_("注册企业名称"), required=False)


class StartForm(LoadedVersionForm):
    on = forms.DateField(label=_("开工日期"), widget=DATE_INPUT)
    project = forms.IntegerField(label=_("已有项目库项目编号"), required=False, help_text=_("不填则新建项目库项目"))
    project_code = forms.CharField(label=_("项目代码（新建时必填）"), required=False)
    note = forms.CharField(label=_("说明"), required=False)


class ExitForm(LoadedVersionForm):
    reason = forms.ChoiceField(label=_("退出原因"), choices=ExitReason.choices)
    on = forms.DateField(label=_("退出日期"), widget=DATE_INPUT)
    note = forms.CharField(label=_("说明"), required=False)


class FollowUpForm(forms.Form):
    on = forms.DateField(label=_("报告日期"), widget=DATE_INPUT)
    content = forms.CharField(label=_("进展情况"), widget=TEXTAREA, required=False)


class FundsForm(forms.Form):
    on = forms.DateField(label=_("到位日期"), widget=DATE_INPUT)
    amount = forms.DecimalField(label=_("到位金额（万元）"), max_digits=16, decimal_places=4)
    note = forms.CharField(label=_("说明"), required=False)


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("通知类型"), choices=NoticeKind.choices)
    on = forms.DateField(label=_("发出日期"), widget=DATE_INPUT)
    deadline = forms.DateField(label=_("限期"), widget=DATE_INPUT, required=False)
    content = forms.CharField(label=_("通知内容"), widget=TEXTAREA, required=False)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("姓名"), required=False)
    position = forms.CharField(label=_("职务"), required=False)
    phone = forms.CharField(label=_("联系电话"), required=False)
    email = forms.CharField(label=_("电子邮箱"), required=False)


class SuperviseForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("会议"), queryset=None)
    decision = forms.CharField(label=_("督办事项"), widget=TEXTAREA, required=False)
    owner = forms.ModelChoiceField(label=_("责任单位"), queryset=Organisation.objects.none())
    owner_person = forms.ModelChoiceField(label=_("责任人"), queryset=Person.objects.none(), required=False)
    deadline = forms.DateField(label=_("完成时限"), widget=DATE_INPUT)

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["owner"].queryset = departments()
        self.fields["owner_person"].queryset = Person.objects.filter(is_city_leader=False)
