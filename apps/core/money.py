"""Money is Decimal in 万元; 1 亿元 = 10,000 万元. Never float."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.conf import settings
from django.db import models

WAN_PER_YI = Decimal(10000)


class MoneyInput(forms.NumberInput):
    """Shows 4262 rather than the stored 4262.0000."""

    def format_value(self, value):
        if isinstance(value, Decimal):
            value = decimal_str(value)
        return super().format_value(value)


class MoneyField(models.DecimalField):
    """An amount in 万元."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", settings.MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", settings.MONEY_DECIMAL_PLACES)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        kwargs.setdefault("widget", MoneyInput(attrs={"step": "any", "min": "0"}))
        return super().formfield(**kwargs)


def wan_to_yi(amount: Decimal | None, places: int = 2) -> Decimal:
    value = (amount or Decimal(0)) / WAN_PER_YI
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def normalize_wan(amount: Decimal) -> Decimal:
    """Strip trailing zeros for display and JSON ("1200.5000" -> "1200.5")."""
    normalized = amount.normalize()
    # normalize() gives 1E+3 for 1000; quantize back to a plain exponent.
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized


def decimal_str(amount: Decimal) -> str:
    """The one spelling of an amount in JSON, logs and inputs: "1200.5", "1000", never "1E+3"."""
    return format(normalize_wan(amount), "f")


def percent_of(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part / whole in percent, one decimal, rounded half up (the indicators' rule); None without a whole."""
    if not whole:
        return None
    return (Decimal(100) * (part or Decimal(0)) / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
