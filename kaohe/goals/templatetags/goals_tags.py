from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def num(value):
    """A plan or actual value without trailing zeros: 2253.3000 -> 2253.3."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return value


@register.filter
def replace_id(url, pk):
    """``{% url 'x' 0 as u %}{{ u|replace_id:goal.pk }}``: one reverse() for a whole table."""
    return url.replace("/0/", f"/{pk}/", 1)
