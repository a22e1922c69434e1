"""WSGI entry point for gunicorn: ``gunicorn jixiao.web.wsgi``."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.web.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, the URLconf, the core) lives as long as the
# process: move it out of the collector's generations so that collections during requests only
# scan what the requests made (and forked workers share those pages instead of copying them).
gc.freeze()
