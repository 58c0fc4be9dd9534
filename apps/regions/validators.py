from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError


def validate_credit_code(value: str) -> None:
    """统一社会信用代码 (GB 32100-2015), check character included."""
    try:
        uscc.validate(value)
    except InvalidLength as exc:
        raise ValidationError(
            _("统一社会信用代码应为 18 位（当前 %(n)s 位）。") % {"n": len(value)}, code="length"
        ) from exc
    except InvalidChecksum as exc:
        raise ValidationError(_("统一社会信用代码校验位错误：%(value)s。") % {"value": value}, code="checksum") from exc
    except (InvalidFormat, StdnumError) as exc:
        raise ValidationError(_("统一社会信用代码格式错误：%(value)s。") % {"value": value}, code="format") from exc


def validate_region_code(value: str) -> None:
    if len(value) != 6 or not value.isdigit():
        raise ValidationError(_("行政区划代码应为 6 位数字。"), code="format")
