"""`granian --interface wsgi --working-dir bench ceiling.wsgi:application`"""

import os

from django.core.wsgi import get_wsgi_application

# Not setdefault: the bench's environment names the portal's settings for the portal.
os.environ["DJANGO_SETTINGS_MODULE"] = "ceiling.settings"
application = get_wsgi_application()
