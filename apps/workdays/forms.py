from django import forms
from django.utils.translation import gettext_lazy as _

from apps.projects.forms import DATE_INPUT

from .models import CalendarYear, WorkdayOverride


class OverrideForm(forms.ModelForm):
    class Meta:
        model = WorkdayOverride
        fields = ["date", "is_workday", "name"]
        widgets = {"date": DATE_INPUT}

    def validate_unique(self):
        # Saving a date again replaces its override (the service decides).
        pass


class CalendarYearForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "source"]

    def validate_unique(self):
        pass


class AddForm(forms.Form):
    """The calculator: the n-th working day after a date, and working days between two dates."""

    start = forms.DateField(label=_("起始日期"), widget=DATE_INPUT)
    n = forms.IntegerField(label=_("工作日数"), min_value=-1000, max_value=1000, required=False)
    end = forms.DateField(label=_("截止日期"), widget=DATE_INPUT, required=False)
