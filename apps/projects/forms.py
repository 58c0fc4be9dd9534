from django import forms
from django.utils.translation import gettext_lazy as _

from apps.regions.models import Organisation, OrganisationKind, Person, RegionLevel

from .models import AnnualPlan, Milestone, Project
from .services import project_editable_fields

PRECISION_FIELDS = ("planned_start_precision", "planned_end_precision", "actual_start_precision")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(forms.ModelForm):
    """Collects project fields; the service validates again and saves.

    `version` carries the version the editor loaded, for the optimistic check.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = [
            "name",
            "project_code",
            "region",
            "location",
            "level",
            "category",
            "investor_type",
            "stage",
            "scope",
            "total_investment",
            "planned_start_date",
            "planned_start_precision",
            "planned_end_date",
            "planned_end_precision",
            "actual_start_date",
            "actual_start_precision",
            "actual_end_date",
            "lead_official",
            "lead_department",
            "owner_unit",
            "partner_units",
            "in_statistics",
            "statistics_included_on",
        ]
        widgets = {
            "planned_start_date": DATE_INPUT,
            "planned_end_date": DATE_INPUT,
            "actual_start_date": DATE_INPUT,
            "actual_end_date": DATE_INPUT,
            "statistics_included_on": DATE_INPUT,
            "scope": forms.Textarea(attrs={"rows": 4}),
            "partner_units": forms.CheckboxSelectMultiple(attrs={"class": "checkgrid"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = self.fields["region"].queryset.filter(level=RegionLevel.COUNTY)
        if user.region_id:
            regions = regions.filter(code__startswith=user.region.code_prefix)
        self.fields["region"].queryset = regions
        self.fields["lead_official"].queryset = Person.objects.filter(is_city_leader=True)
        departments = Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT)
        self.fields["lead_department"].queryset = departments
        self.fields["partner_units"].queryset = departments
        self.fields["owner_unit"].queryset = Organisation.objects.filter(kind=OrganisationKind.OWNER_UNIT)
        for name in PRECISION_FIELDS:
            self.fields[name].required = False
            self.fields[name].help_text = _(
                "选“月”时只取所填日期的年月（如 2026年3月），选“年”或“不晚于”时只取年份（如 2026年、2025年底前）。"
            )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        allowed = project_editable_fields(user=user)
        if allowed is not None:
            for name, field in self.fields.items():
                if name not in allowed and name != "version":
                    field.disabled = True

    def _post_clean(self):
        # Model validation runs in the service, which reports errors per field;
        # here we only build the instance-free data dict.
        pass

    def service_fields(self) -> dict:
        # A precision not sent (an older page, a script posting dates only) is left to the
        # service's rule: a changed date without one is a day.
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "version" and (name not in PRECISION_FIELDS or self.add_prefix(name) in self.data)
        }


class _ProjectVersionMixin(forms.Form):
    """The project version the editor loaded (a plan or milestone is part of its project):
    required on every update, checked by the service (409 when stale)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AnnualPlanForm(_ProjectVersionMixin, forms.ModelForm):
    class Meta:
        model = AnnualPlan
        fields = ["year", "planned_investment", "goal"]
        widgets = {"goal": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        pass


class MilestoneForm(_ProjectVersionMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["sequence", "name", "baseline_date", "forecast_date", "actual_date"]
        widgets = {"baseline_date": DATE_INPUT, "forecast_date": DATE_INPUT, "actual_date": DATE_INPUT}

    def _post_clean(self):
        pass


def apply_service_errors(form: forms.Form, error) -> None:
    """Put a service's ValidationError on the form, per field where the form has it."""
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
