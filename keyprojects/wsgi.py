import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")
application = get_wsgi_application()

# Load the URLconf (and with it the API's ~200 operations and their schemas) now, while the
# gunicorn worker boots, not on its first request: that took 2–30 s on a loaded machine, and
# a worker replaced after GUNICORN_MAX_REQUESTS would make a user wait that long again.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
