"""Forms of the funding pages. They collect input; the services validate and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import LoadedVersionForm
from apps.projects.forms import DATE_INPUT
from apps.regions.models import Organisation, OrganisationKind

from .models import AMOUNT_FIELDS, FAI_LABELS, GOVERNMENT_SOURCES, ApplicationStatus, FundingApplication, FundingRecord
from .services import APPLICATION_FIELDS, RECORD_FIELDS

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class _ServiceValidated(forms.ModelForm):
    def _post_clean(self):
        # Model validation runs in the service.
        pass


class FundingRecordForm(_ServiceValidated):
    # The version the editor loaded: required when replacing a saved record (stale: refused).
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, error_messages={"required": _("修改时必须提交编辑时加载的版本号。")}
    )

    class Meta:
        model = FundingRecord
        fields = list(RECORD_FIELDS)
        widgets = {"gap_note": TEXTAREA}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
        for name in AMOUNT_FIELDS:
            self.fields[name].required = False

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in RECORD_FIELDS}

    def amount_rows(self, rows):
        """The form's rows with their planned and arrived inputs."""
        return [
            {**row, "planned_field": self[f"planned_{row['code']}"], "arrived_field": self[f"arrived_{row['code']}"]}
            for row in rows
        ]


class DisbursementForm(forms.Form):
    project = forms.IntegerField(widget=forms.HiddenInput)
    source = forms.ChoiceField(label=_("资金来源"), choices=[(code, FAI_LABELS[code]) for code in GOVERNMENT_SOURCES])
    on_date = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    released = forms.DecimalField(label=_("拨付金额（万元）"), min_value=0, required=False)
    paid = forms.DecimalField(label=_("支付金额（万元）"), min_value=0, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ApplicationForm(_ServiceValidated):
    # The version the editor loaded: required when changing a saved application (stale: refused).
    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, error_messages={"required": _("修改时必须提交编辑时加载的版本号。")}
    )

    class Meta:
        model = FundingApplication
        fields = list(APPLICATION_FIELDS)
        widgets = {"deadline": DATE_INPUT, "note": TEXTAREA}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_department"].queryset = Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT)
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in APPLICATION_FIELDS}


class ApplicationStepForm(LoadedVersionForm):
    to_status = forms.ChoiceField(label=_("推进到"), choices=ApplicationStatus.choices)
    on = forms.DateField(label=_("日期"), widget=DATE_INPUT, required=False)
    amount = forms.DecimalField(label=_("金额（万元）"), min_value=0, required=False)
    document_number = forms.CharField(label=_("文号"), max_length=60, required=False)
