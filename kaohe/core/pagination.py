"""One way to page an admin list: Wagtail's ``?p=`` parameter and its pagination bar.

Views page with ``admin_page(request, items)``; templates show the bar with
``{% include "core/admin/pagination.html" %}`` (it reads ``page_obj``).
"""

from django.core.paginator import Page, Paginator

ADMIN_PAGE_SIZE = 50


def admin_page(request, items, per_page: int = ADMIN_PAGE_SIZE) -> Page:
    """The page of ``items`` that the request's ``p`` names (the first when it names none or a wrong one)."""
    return Paginator(items, per_page).get_page(request.GET.get("p"))
