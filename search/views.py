"""Site search: pages, assessment documents, units and goals, by Chinese words (PORTAL-4)."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Page

from home.models import UnitIndexPage
from kaohe.goals import selectors as goal_selectors
from kaohe.org.selectors import search_units

MAX_QUERY_LENGTH = 100
GOALS_SHOWN = 10


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    units = []
    goals = []
    more_goals_url = ""
    page_results = Page.objects.none()
    if query:
        page_results = Page.objects.live().public().specific().search(query, operator="and")
        unit_index = UnitIndexPage.objects.live().first()
        if unit_index is not None:
            base = unit_index.get_url(request)  # once, not once per unit
            units = [
                (unit, base + unit_index.reverse_subpage("unit_detail", kwargs={"pk": unit.pk}))
                for unit in search_units(query=query, limit=10)
            ]
        found = goal_selectors.goal_site_search(user=request.user, text=query)
        shown = list(found[: GOALS_SHOWN + 1])
        if len(shown) > GOALS_SHOWN:  # the rest in the goal query, which pages through them
            shown = shown[:GOALS_SHOWN]
            more_goals_url = reverse("goals:query") + "?" + urlencode({"q": query, "year": shown[0].plan.year})
        goals = goal_selectors.goal_flat_nodes(user=request.user, goals=shown)

    results = Paginator(page_results, 10).get_page(request.GET.get("page"))

    return TemplateResponse(
        request,
        "search/search.html",
        {
            "search_query": query,
            "search_results": results,
            "unit_results": units,
            "goal_results": goals,
            "more_goals_url": more_goals_url,
            "page_title": _("Search"),
        },
    )
