"""Amounts of money: ISO 4217 currency codes, their minor units, and amounts as people read them."""

from decimal import ROUND_HALF_UP, Decimal

import pycountry
from babel.numbers import format_currency, get_currency_precision
from django.utils import translation


def is_currency_code(code: str) -> bool:
    """Whether `code` is an ISO 4217 currency code ("IDR", "USD"); upper case only."""
    return len(code) == 3 and code.isupper() and pycountry.currencies.get(alpha_3=code) is not None


def minor_unit(currency: str) -> Decimal:
    """The smallest amount the currency writes: Decimal("0.01") for IDR and USD, "1" for JPY."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half up (0.005 -> 0.01) to the currency's minor unit."""
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | None, currency: str, language: str | None = None) -> str:
    """ "Rp1.234.567,50" in Indonesian, "IDR1,234,567.50" in English: in the active language."""
    if amount is None:
        return ""
    locale = (language or translation.get_language() or "en").replace("-", "_")
    try:
        return format_currency(amount, currency, locale=locale)
    except (ValueError, LookupError):
        return format_currency(amount, currency, locale="en")
