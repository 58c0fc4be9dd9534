"""Forms of the site-visit pages; the services validate again and save."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.projects.forms import DATE_INPUT
from apps.regions.models import Organisation, OrganisationKind, Person

from .services import DEFAULT_DECISION_WORKDAYS

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class SiteVisitForm(forms.Form):
    person = forms.ModelChoiceField(label=_("市级领导"), queryset=Person.objects.none())
    visited_on = forms.DateField(label=_("调度日期"), widget=DATE_INPUT)
    done = forms.BooleanField(label=_("已开展（未勾选为计划中的调度）"), required=False, initial=True)
    projects = forms.CharField(
        label=_("调度项目"),
        widget=TEXTAREA,
        help_text=_("每行一个项目代码或项目全称。"),
    )
    attendees = forms.CharField(label=_("参加人员"), widget=TEXTAREA, required=False)
    findings = forms.CharField(label=_("发现的问题和情况"), widget=TEXTAREA, required=False)
    decisions = forms.CharField(label=_("现场议定事项（摘要）"), widget=TEXTAREA, required=False)

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(is_city_leader=True).order_by("name")
        self._projects = projects  # the user's scoped project queryset

    def clean_projects(self):
        """Each line a project code or full name among the user's projects; a line that is
        neither (or names two projects) is refused by name."""
        lines = [line.strip() for line in re.split(r"[\r\n,，;；]+", self.cleaned_data["projects"]) if line.strip()]
        found, missing = [], []
        for line in dict.fromkeys(lines):
            matches = list(self._projects.filter(project_code=line).values_list("pk", flat=True)[:2]) or list(
                self._projects.filter(name=line).values_list("pk", flat=True)[:2]
            )
            if len(matches) != 1:
                missing.append(line)
            else:
                found.append(matches[0])
        if missing:
            raise forms.ValidationError(
                _("未找到或不在您范围内（或名称重复，请用项目代码）：%(items)s") % {"items": "、".join(missing)}
            )
        return list(dict.fromkeys(found))


class SiteVisitUpdateForm(forms.Form):
    done = forms.BooleanField(label=_("已开展"), required=False)
    attendees = forms.CharField(label=_("参加人员"), widget=TEXTAREA, required=False)
    findings = forms.CharField(label=_("发现的问题和情况"), widget=TEXTAREA, required=False)
    decisions = forms.CharField(label=_("现场议定事项（摘要）"), widget=TEXTAREA, required=False)


class VisitDecisionForm(forms.Form):
    decision = forms.CharField(label=_("议定事项"), widget=TEXTAREA)
    owner = forms.ModelChoiceField(label=_("责任单位"), queryset=Organisation.objects.none())
    workdays = forms.IntegerField(
        label=_("完成时限（工作日）"),
        min_value=1,
        max_value=250,
        initial=DEFAULT_DECISION_WORKDAYS,
        help_text=_("自调度日期起按工作日历计算。"),
    )
    projects = forms.TypedMultipleChoiceField(
        label=_("涉及项目"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, visit_projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).order_by("name")
        self.fields["projects"].choices = [(project.pk, project.name) for project in visit_projects]
