"""Forms collect input; the services validate again and save (errors come back per field)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.projects.forms import DATE_INPUT
from apps.regions.models import Organisation, OrganisationKind, Person

from .models import EscalationLevel, LetterKind, Meeting, MeetingKind, Problem

TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _departments():
    return Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT)


class ProblemForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = [
            "problem_type",
            "description",
            "responsible_department",
            "responsible_person",
            "coordinating_leader",
            "deadline",
        ]
        widgets = {"description": TEXTAREA, "deadline": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_department"].queryset = _departments()
        self.fields["responsible_person"].queryset = Person.objects.filter(is_city_leader=False)
        self.fields["coordinating_leader"].queryset = Person.objects.filter(is_city_leader=True)

    def _post_clean(self):
        pass


class ActionForm(forms.Form):
    taken_on = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    description = forms.CharField(label=_("措施"), widget=TEXTAREA)


class EscalateForm(forms.Form):
    to_level = forms.ChoiceField(label=_("提请层级"), choices=EscalationLevel.choices)
    reason = forms.CharField(label=_("提请理由"), widget=TEXTAREA, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=TEXTAREA, required=False)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("解决情况"), widget=TEXTAREA, required=False)


class LetterForm(forms.Form):
    kind = forms.ChoiceField(label=_("函件类型"), choices=LetterKind.choices)
    addressee = forms.ModelChoiceField(label=_("主送单位"), queryset=Organisation.objects.none(), required=False)
    matter = forms.CharField(label=_("事项"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    deadline = forms.DateField(label=_("办理时限"), widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressee"].queryset = _departments()


class ResponseForm(forms.Form):
    response = forms.CharField(label=_("办理情况"), widget=TEXTAREA, required=False)
    responded_on = forms.DateField(label=_("反馈日期"), widget=DATE_INPUT)


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "title", "held_on", "chair", "location", "attendees", "minutes"]
        widgets = {"held_on": DATE_INPUT, "attendees": TEXTAREA, "minutes": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = Person.objects.filter(is_city_leader=True)
        self.fields["kind"].choices = MeetingKind.choices

    def _post_clean(self):
        pass


class DecisionForm(forms.Form):
    decision = forms.CharField(label=_("议定事项"), widget=TEXTAREA, required=False)
    owner = forms.ModelChoiceField(label=_("责任单位"), queryset=Organisation.objects.none())
    deadline = forms.DateField(label=_("完成时限"), widget=DATE_INPUT)
    problems = forms.ModelMultipleChoiceField(
        label=_("相关问题"), queryset=Problem.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, problems=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _departments()
        if problems is not None:
            self.fields["problems"].queryset = problems


class ProgressForm(forms.Form):
    progress = forms.CharField(label=_("办理进展"), widget=TEXTAREA, required=False)
    done = forms.BooleanField(label=_("已办结"), required=False)
