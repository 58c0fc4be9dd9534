from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.projects.forms import DATE_INPUT
from apps.regions.models import Organisation, OrganisationKind

from .models import ApprovalItem, ApprovalItemType, FactorNeed


def _departments():
    return Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).order_by("name")


class _NoModelValidation:
    def _post_clean(self):
        # The service validates the whole object and reports errors per field.
        pass


# The version the editor loaded: required on every update (without it the last writer would win).
VERSION_REQUIRED = {"required": _("修改时必须提交编辑时加载的版本号。")}


class ItemManageForm(_NoModelValidation, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=VERSION_REQUIRED)

    class Meta:
        model = ApprovalItem
        fields = [
            "department",
            "committed_workdays",
            "commitment_applies",
            "planned_start_date",
            "planned_end_date",
            "depends_on",
        ]
        widgets = {
            "planned_start_date": DATE_INPUT,
            "planned_end_date": DATE_INPUT,
            "depends_on": forms.CheckboxSelectMultiple(attrs={"class": "checkgrid"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()
        self.fields["depends_on"].queryset = (
            ApprovalItem.objects.filter(project_id=self.instance.project_id)
            .exclude(pk=self.instance.pk)
            .select_related("item_type")
            .order_by("item_type__sequence")
        )
        self.fields["depends_on"].label_from_instance = lambda item: item.item_type.name
        self.fields["version"].initial = self.instance.version

    def service_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class AddItemForm(forms.Form):
    item_type = forms.ModelChoiceField(label=_("事项"), queryset=ApprovalItemType.objects.none())

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        present = ApprovalItem.objects.filter(project=project).values("item_type_id")
        self.fields["item_type"].queryset = ApprovalItemType.objects.filter(is_active=True).exclude(pk__in=present)


class IntakeForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=_("申报事项"), widget=forms.CheckboxSelectMultiple(attrs={"class": "checkgrid"})
    )
    received_on = forms.DateField(label=_("接件日期"), widget=DATE_INPUT)
    applicant = forms.CharField(label=_("申请人"), max_length=100, required=False)
    notes = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, ready, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [
            (item.pk, f"{item.item_type.name}（{item.department or _('未指定部门')}）") for item in ready
        ]
        self.fields["received_on"].initial = timezone.localdate()


class SubmitForm(forms.Form):
    submitted_on = forms.DateField(label=_("申报日期"), widget=DATE_INPUT)


class AcceptForm(forms.Form):
    accepted_on = forms.DateField(label=_("受理日期"), widget=DATE_INPUT)
    handler = forms.CharField(label=_("经办人"), max_length=50, required=False)
    missing_documents = forms.CharField(
        label=_("容缺材料"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("填写则为容缺受理，须同时填写补正期限。"),
    )
    supplement_deadline = forms.DateField(label=_("补正期限"), widget=DATE_INPUT, required=False)


class SupplementForm(forms.Form):
    supplemented_on = forms.DateField(label=_("补正日期"), widget=DATE_INPUT)


class DecideForm(forms.Form):
    decided_on = forms.DateField(label=_("办结日期"), widget=DATE_INPUT)
    document_number = forms.CharField(label=_("批复文号"), max_length=100, required=False)
    note = forms.CharField(
        label=_("办理意见"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("不予批准时必填。"),
    )


class FactorNeedForm(_NoModelValidation, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, error_messages=VERSION_REQUIRED)

    class Meta:
        model = FactorNeed
        fields = ["kind", "quantity", "secured_quantity", "description", "department", "status", "needed_by"]
        widgets = {"needed_by": DATE_INPUT}

    def __init__(self, *args, limited_to=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()
        self.fields["version"].initial = self.instance.version if self.instance.pk else None
        self.fields["version"].required = bool(self.instance.pk)  # an update, not a new need
        if limited_to is not None:
            for name, field in self.fields.items():
                if name not in limited_to and name != "version":
                    field.disabled = True

    def service_fields(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "version" and not self.fields[name].disabled
        }
