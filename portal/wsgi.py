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
