"""The WSGI entry point gunicorn serves (``portal.wsgi:application``).

It defaults to the production settings, which refuse to start without a real ``SECRET_KEY``
and ``ALLOWED_HOSTS`` (as cookiecutter-django does): a server whose environment forgot
``DJANGO_SETTINGS_MODULE`` fails at once instead of serving with ``DEBUG`` on and a known key.
``manage.py runserver`` sets the development settings before it gets here.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_wsgi_application()


def warm_up() -> None:
    """Do once, at start, what every worker's first requests would otherwise do each: import every
    URL's views (the Wagtail admin's among them) and read the translation catalogues. Under
    gunicorn's ``--preload`` (as the README deploys it) this runs in the master before it forks,
    so a fresh worker serves a meeting room at full speed from its first request. No database
    connection may cross the fork: any opened here is closed."""
    from django.conf import settings
    from django.db import connections
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - importing the URLconf is the point
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Online evaluation")
    connections.close_all()


warm_up()
