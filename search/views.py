"""Site search: pages, assessment documents and units, by Chinese words (PORTAL-4)."""

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.models import Page

from home.models import UnitIndexPage
from kaohe.org.models import Unit

MAX_QUERY_LENGTH = 100


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    units = []
    page_results = Page.objects.none()
    if query:
        page_results = Page.objects.live().public().specific().search(query, operator="and")
        unit_index = UnitIndexPage.objects.live().first()
        if unit_index is not None:
            units = [
                (unit, unit_index.unit_url(unit))
                for unit in Unit.objects.filter(is_active=True)
                .select_related("kind")
                .search(query, operator="and")[:10]
            ]

    results = Paginator(page_results, 10).get_page(request.GET.get("page"))

    return TemplateResponse(
        request,
        "search/search.html",
        {
            "search_query": query,
            "search_results": results,
            "unit_results": units,
            "page_title": _("Search"),
        },
    )
