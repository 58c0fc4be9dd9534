from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BulletinKind


class DraftForm(forms.Form):
    kind = forms.ChoiceField(label=_("通报类型"), choices=BulletinKind.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)
    half = forms.TypedChoiceField(
        label=_("半月"),
        choices=[("", "—"), (1, _("上半月")), (2, _("下半月"))],
        coerce=int,
        required=False,
        empty_value=None,
    )
    verified_only = forms.BooleanField(label=_("仅计已审核月报"), required=False)


class RequirementsForm(forms.Form):
    requirements = forms.CharField(label=_("下步要求"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
