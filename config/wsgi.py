import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What start-up built (modules, models, URL patterns, ~130,000 objects) lives as long as the process. Frozen,
# the cyclic collector's full collections no longer re-scan it: unfrozen, every few dozen requests one of
# them paused for 50-70 ms (measured on the all-units queue page). With `gunicorn --preload` the frozen
# objects also stay shared between the forked workers instead of being copied when the collector touches them.
gc.freeze()
