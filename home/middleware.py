"""The portal's language and its page cache for the public (issue 16).

``PortalLocaleMiddleware`` replaces Django's ``LocaleMiddleware``: the portal speaks
Chinese (``LANGUAGE_CODE``) unless the visitor chose another language in the header's
switcher, which Django's ``set_language`` remembers in the language cookie. The browser's
``Accept-Language`` is not consulted: a browser set to English would otherwise get
English menus around Chinese content. The admin follows the user's own preference
(Wagtail's account settings), falling back to the same choice.

``PublicPageCacheMiddleware``: see ``home.page_cache``.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import page_cache


def chosen_language(request) -> str:
    """The language the visitor chose in the switcher, else the portal's own (Chinese)."""
    choice = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if choice and choice in dict(settings.LANGUAGES) and translation.check_for_language(choice):
        return choice
    return settings.LANGUAGE_CODE


class PortalLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class PublicPageCacheMiddleware:
    """Serve the public's pages from the cache; store those fit to share (``home.page_cache``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = page_cache.key_for(request)
        if key is not None:
            cached = page_cache.fetch(key, request)
            if cached is not None:
                return cached
        response = self.get_response(request)
        if key is not None:
            page_cache.store(key, request, response)
        return response
