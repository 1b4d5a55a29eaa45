"""The base of the areas' own admin screens (those that are not a record's list or form)."""

from django.core.exceptions import PermissionDenied
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
