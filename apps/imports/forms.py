from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.projects.models import InvestorType, Level

from .models import ImportKind
from .preparation import UNIT_CHOICES, parse_column_choices
from .reading import FileRefused, check_size

ACCEPT = ".xlsx,.xls,.ods,.csv"


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入类型"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("支持 .xlsx、.xls、.ods、.csv（UTF-8、GBK/GB18030、UTF-16）"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    year = forms.IntegerField(
        label=_("年度"), required=False, min_value=2000, max_value=2100, help_text=_("不填则从表头或标题识别")
    )
    month = forms.IntegerField(
        label=_("月份"), required=False, min_value=1, max_value=12, help_text=_("月度进展表用；不填则从标题识别")
    )
    level = forms.ChoiceField(label=_("默认项目级别"), required=False, choices=[("", _("从标题识别")), *Level.choices])
    investor_type = forms.ChoiceField(
        label=_("默认投资主体"), required=False, choices=[("", _("以表格为准")), *InvestorType.choices]
    )
    unit = forms.ChoiceField(
        label=_("金额单位"),
        required=False,
        choices=[("", _("按表格识别（单位行、列标题）")), *((unit, unit) for unit in UNIT_CHOICES)],
        help_text=_("表格未注明或注明有误时选择；所有金额按此单位换算为万元"),
    )
    columns = forms.CharField(
        label=_("列选择"),
        required=False,
        max_length=500,
        help_text=_("某字段有多列可选或需指定时填写，如“总投资=J；2026年计划投资=M”"),
    )
    hidden_rows = forms.ChoiceField(
        label=_("隐藏行"),
        required=False,
        choices=[("skip", _("不导入（默认，预览中列出）")), ("include", _("一并导入"))],
    )
    blanks = forms.ChoiceField(
        label=_("空白单元格"),
        required=False,
        choices=[("keep", _("不修改已有内容（默认）")), ("clear", _("清空已有内容"))],
    )
    submit = forms.BooleanField(label=_("导入后直接报送月报"), required=False)

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [choice for choice in ImportKind.choices if choice[0] in kinds]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before a byte is read: the reader checks again on the stored content.
        try:
            check_size(upload.size)
        except FileRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload

    def clean_columns(self):
        try:
            return parse_column_choices(self.cleaned_data.get("columns") or "")
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc

    def parameters(self) -> dict:
        data = self.cleaned_data
        keys = ("year", "month", "level", "investor_type", "submit", "unit", "columns", "hidden_rows", "blanks")
        return {key: data.get(key) for key in keys}
