"""The application as gunicorn serves it in the benchmark, plus one response header.

`X-Bench-Server-Ms` is the time Django took to build the response (from the call to
`start_response`: our pages are not streamed, so the body is ready by then). The harness
reports it beside the client's round trip, which adds the socket and gunicorn's work.
"""

import time

from firstask.wsgi import application as django_application

HEADER = "X-Bench-Server-Ms"


def application(environ, start_response):
    started = time.perf_counter()

    def timed_start_response(status, headers, exc_info=None):
        elapsed = (time.perf_counter() - started) * 1000
        return start_response(status, [*headers, (HEADER, f"{elapsed:.2f}")], exc_info)

    return django_application(environ, timed_start_response)
