"""The rule form: one version's definition in fields (no JSON typed by hand), for saving a
new version, for replaying a draft, and for creating a rule (e.g. a campaign deadline)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .consequences import STEPS, TARGETS
from .engine import OPERATOR_WORDS
from .measures import MEASURES, SUBJECTS
from .models import Colour

LEVEL_ROWS = 4
COLOURS = [("", "—")] + [(value, label) for value, label in Colour.choices if value != Colour.GREEN]
OPS = [(op, word) for op, word in OPERATOR_WORDS.items()]
PROJECT_SETS = [
    ("", _("全部项目")),
    ("leader", _("市级领导包抓项目")),
    ("level:provincial", _("省级重点")),
    ("level:municipal", _("市级重点")),
]


def _field_choices():
    names = {}
    for measure in MEASURES.values():
        for name, label in measure.fields.items():
            names.setdefault(name, label)
    return list(names.items())


class RuleForm(forms.Form):
    name = forms.CharField(label=_("规则名称"), max_length=100)
    measure = forms.ChoiceField(label=_("度量"))
    project_set = forms.ChoiceField(label=_("项目范围"), choices=PROJECT_SETS, required=False)
    min_total_investment = forms.DecimalField(label=_("总投资不低于（万元）"), required=False, min_value=0)
    min_annual_plan = forms.DecimalField(label=_("年度计划投资不低于（万元）"), required=False, min_value=0)
    mode = forms.ChoiceField(
        label=_("滞后计算方式"),
        required=False,
        choices=[("", "—"), ("points", _("百分点")), ("relative", _("相对时序进度的百分比"))],
    )
    start_by = forms.DateField(label=_("开工期限"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    emphasised_since = forms.CharField(label=_("开始强调的月份（YYYY-MM）"), required=False, max_length=7)
    consecutive = forms.IntegerField(label=_("连续亮灯几个月转红灯"), required=False, min_value=2, max_value=24)
    source_title = forms.CharField(label=_("依据"), max_length=200, required=False)
    source_url = forms.URLField(label=_("依据链接"), max_length=300, required=False, assume_scheme="https")
    action_days = forms.IntegerField(label=_("整改期限（天）"), required=False, min_value=1, max_value=90)
    reason = forms.CharField(label=_("修改理由"), max_length=300, required=False)

    def __init__(self, *args, subject: str, version=None, **kwargs):
        self.subject = subject
        if version is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(version)
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [
            (key, measure.label) for key, measure in MEASURES.items() if measure.subject == subject
        ]
        fields = _field_choices()
        for row in range(LEVEL_ROWS):
            self.fields[f"level{row}_colour"] = forms.ChoiceField(label=_("颜色"), choices=COLOURS, required=False)
            self.fields[f"level{row}_field"] = forms.ChoiceField(label=_("度量项"), choices=fields, required=False)
            self.fields[f"level{row}_op"] = forms.ChoiceField(label=_("比较"), choices=OPS, required=False)
            self.fields[f"level{row}_value"] = forms.DecimalField(label=_("阈值"), required=False)
        for step, label in STEPS.items():
            self.fields[f"action_{step}"] = forms.ChoiceField(
                label=label, choices=[("", _("无")), *TARGETS.items()], required=False
            )

    @property
    def level_rows(self):
        return [
            [self[f"level{row}_colour"], self[f"level{row}_field"], self[f"level{row}_op"], self[f"level{row}_value"]]
            for row in range(LEVEL_ROWS)
        ]

    @property
    def action_fields(self):
        return [self[f"action_{step}"] for step in STEPS]

    @staticmethod
    def initial_from(version) -> dict:
        initial = {
            "name": version.rule.name,
            "measure": version.measure,
            "project_set": version.scope.get("project_set", ""),
            "min_total_investment": version.scope.get("min_total_investment"),
            "min_annual_plan": version.scope.get("min_annual_plan"),
            "mode": version.params.get("mode", ""),
            "start_by": version.params.get("start_by"),
            "emphasised_since": version.params.get("emphasised_since", ""),
            "consecutive": version.memory.get("consecutive"),
            "source_title": version.source_title,
            "source_url": version.source_url,
            "action_days": version.actions.get("days"),
        }
        for row, level in enumerate(version.levels[:LEVEL_ROWS]):
            initial |= {
                f"level{row}_colour": level.get("colour"),
                f"level{row}_field": level.get("field", "value"),
                f"level{row}_op": level.get("op"),
                f"level{row}_value": level.get("value"),
            }
        for step in STEPS:
            initial[f"action_{step}"] = version.actions.get(step, "")
        return initial

    def definition(self) -> dict:
        """The version definition the services take (they validate it again)."""
        data = self.cleaned_data
        measure = MEASURES[data["measure"]]
        param_names = {param.name for param in measure.params}
        params = {}
        if "mode" in param_names and data.get("mode"):
            params["mode"] = data["mode"]
        if "start_by" in param_names and data.get("start_by"):
            params["start_by"] = data["start_by"].isoformat()
        if "emphasised_since" in param_names and data.get("emphasised_since"):
            params["emphasised_since"] = data["emphasised_since"]
        scope = {}
        if self.subject == "project":
            if data.get("project_set"):
                scope["project_set"] = data["project_set"]
            for key in ("min_total_investment", "min_annual_plan"):
                if data.get(key) is not None:
                    scope[key] = str(data[key])
        levels = []
        for row in range(LEVEL_ROWS):
            colour = data.get(f"level{row}_colour")
            if colour and data.get(f"level{row}_value") is not None:
                levels.append(
                    {
                        "colour": colour,
                        "field": data.get(f"level{row}_field") or "value",
                        "op": data.get(f"level{row}_op") or ">=",
                        "value": str(data[f"level{row}_value"]),
                    }
                )
        actions = {step: data[f"action_{step}"] for step in STEPS if data.get(f"action_{step}")}
        if actions and data.get("action_days"):
            actions["days"] = data["action_days"]
        return {
            "measure": data["measure"],
            "params": params,
            "scope": scope,
            "levels": levels,
            "memory": {"consecutive": data["consecutive"]} if data.get("consecutive") else {},
            "actions": actions,
            "source_title": data.get("source_title") or "",
            "source_url": data.get("source_url") or "",
        }


class NewRuleForm(forms.Form):
    code = forms.SlugField(
        label=_("规则代码"), max_length=60, help_text=_("小写字母、数字和连字符，如 campaign-2026。")
    )
    subject = forms.ChoiceField(label=_("亮灯对象"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [(key, subject.label) for key, subject in SUBJECTS.items()]


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)
