"""The base of the areas' own admin screens (those that are not a record's list or form)."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class AdminScreen(WagtailAdminTemplateMixin, TemplateView):
    """Wagtail's admin furniture (header, breadcrumbs) around an area's screen.

    Once the request's method is known to be one the screen answers (so a GET to a POST-only
    screen is a 405 whoever asks), a reader for whom ``allowed`` is false is refused and
    ``load`` then loads what the URL names (and may refuse too)."""

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() in self.http_method_names:
            if not self.allowed(request.user):
                raise PermissionDenied
            self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def allowed(self, user) -> bool:
        return True

    def load(self, **kwargs) -> None:
        pass

    def get_page_title(self):
        return str(self.page_title)


class YearScreen(AdminScreen):
    """An area's screen about one year (``year`` in the URL): its breadcrumbs are the area's
    home, the year's page (when there is a year) and the screen, whose label is the header
    title the slim header shows. Areas name ``area_label``, ``area_url`` and ``year_url``."""

    area_label = ""
    area_url = ""
    year_url = ""
    year: int | None = None

    def load(self, **kwargs) -> None:
        self.year = kwargs.get("year")

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items, {"url": reverse(self.area_url), "label": str(self.area_label)}]
        if self.year:
            items.append({"url": reverse(self.year_url, args=[self.year]), "label": str(self.year)})
        items.append({"url": "", "label": self.get_header_title()})
        return items
