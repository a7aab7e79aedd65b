"""Amounts of money in templates: {{ amount|money:currency }}."""

from decimal import Decimal

from django import template

from programs.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    return format_money(amount, currency)
