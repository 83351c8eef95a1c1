"""Django's WSGI application. The web servers load tracking.wsgi:application, which puts the
tracking endpoints' lean application in front of this one."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "network.settings")
application = get_wsgi_application()
