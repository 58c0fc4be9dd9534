"""The one normalisation and validation of codes and names, for every path: API, forms,
admin (through the models' validators and `clean_fields`) and the importer (which calls
these functions itself)."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls (CR, LF, TAB, ESC, NUL...), DEL and C1 controls: never part of a name.
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Multi-line text (scope, minutes) keeps TAB, LF and CR.
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DASHES = str.maketrans({"—": "-", "－": "-", "–": "-", "‐": "-", "‑": "-", "−": "-"})


def normalise_code(value: str | None) -> str | None:
    """Full-width digits and letters to ASCII (NFKC), dash look-alikes to "-", no spaces;
    digits of other scripts stay as they are and fail the ASCII-only format check."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).translate(_DASHES)
    text = re.sub(r"\s+", "", text)
    return text or None


def normalise_name(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def name_problem(value: str) -> str | None:
    """Why `value` cannot be a name, or None."""
    if not value or not value.strip():
        return str(_("不能为空或只含空格。"))
    if _NAME_CONTROL.search(value):
        return str(_("不能包含换行、制表符、ESC 等控制字符。"))
    return None


def validate_name(value: str) -> None:
    problem = name_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_name")


def has_text_control_character(value: str) -> bool:
    return bool(_TEXT_CONTROL.search(value))
