"""The WSGI application of every web server (granian, gunicorn, runserver via WSGI_APPLICATION):
the tracking endpoints' lean application in front of Django's (tracking/wsgi.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "network.settings")
django_application = get_wsgi_application()


def _tracking_in_front():
    from tracking.wsgi import TrackingApplication  # imports models: after django.setup()

    return TrackingApplication(django_application)


application = _tracking_in_front()
