from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from kaohe.accounts import urls as accounts_urls
from search import views as search_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    path("accounts/", include(accounts_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ceping/", include("kaohe.evaluation.urls")),
    path("goals/", include("kaohe.goals.urls")),
    path("comments/", include("kaohe.comments.urls")),
    path("cycle/", include("kaohe.cycle.urls")),
    path("results/", include("kaohe.results.portal_urls")),
    path("api/", include("kaohe.interop.api.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Page pictures only, as nginx in production; every other upload goes through a view
    # that checks the reader's right (kaohe.core.private_media).
    for folder in ("images", "original_images"):
        urlpatterns += static(f"{settings.MEDIA_URL}{folder}/", document_root=settings.MEDIA_ROOT / folder)

urlpatterns += [
    # Everything else is a Wagtail page.
    path("", include(wagtail_urls)),
]
