"""The WSGI application every web server loads (granian, gunicorn; runserver through
settings.WSGI_APPLICATION): the tracking endpoints' lean application (tracking/lean_wsgi.py)
in front of Django's (network/wsgi.py), which gets every other request."""

from network.wsgi import application as django_application  # sets Django up first
from tracking.lean_wsgi import TrackingApplication  # imports models: after django.setup()

application = TrackingApplication(django_application)
