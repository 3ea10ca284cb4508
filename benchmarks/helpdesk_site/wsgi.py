"""django-helpdesk as gunicorn serves it in the side-by-side benchmark, with the same
`X-Bench-Server-Ms` header as `benchmarks/wsgi.py` (the time Django took to build the
response, up to `start_response`)."""

import os
import time

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.helpdesk_site.settings")

HEADER = "X-Bench-Server-Ms"
django_application = get_wsgi_application()


def application(environ, start_response):
    started = time.perf_counter()

    def timed_start_response(status, headers, exc_info=None):
        elapsed = (time.perf_counter() - started) * 1000
        return start_response(status, [*headers, (HEADER, f"{elapsed:.2f}")], exc_info)

    return django_application(environ, timed_start_response)
