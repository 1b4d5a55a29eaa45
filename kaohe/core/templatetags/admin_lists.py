from django import template

register = template.Library()


@register.filter
def elided_page_range(page):
    """The page numbers Wagtail's pagination bar shows around ``page``, with ellipses."""
    return page.paginator.get_elided_page_range(page.number)
