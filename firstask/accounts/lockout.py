"""Lockout after failed passwords, with django-axes.

Two limits, both within AXES_COOLOFF_TIME (settings; the README lists the environment
variables):
- AXES_FAILURE_LIMIT failures for one username from one address lock that pair: someone
  guessing at a colleague's desk, or a script against one account;
- AXES_USERNAME_FAILURE_LIMIT failures for one username from any addresses lock the username
  everywhere: a guessing campaign spread over many addresses.
Axes itself compares one count with one limit (the largest count over its
AXES_LOCKOUT_PARAMETERS); LockoutHandler gives each parameter its own limit.
"""

import datetime

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone

LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]


class LockoutBackend(AxesStandaloneBackend):
    """Axes' standalone backend, except that it lets through calls that carry no request.

    Every sign-in over HTTP passes the request (LoginView, the admin login). Without one,
    Axes raises instead of authenticating: that only happens in code run by the operators
    (shell, management commands) and the test client's `login()`, which are not reachable by
    a guessing client.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per (username, address) and one per username."""

    def get_failures(self, request, credentials=None) -> int:
        pair_attempts, username_attempts = self.get_user_attempts(request, credentials)
        pair_limit = get_failure_limit(request, credentials)
        failures = _failures(pair_attempts)
        if _failures(username_attempts) >= settings.AXES_USERNAME_FAILURE_LIMIT:
            # Reported as reaching the pair limit: the one number Axes compares.
            failures = max(failures, pair_limit)
        return failures


def locked_until(request, username: str) -> datetime.datetime:
    """When the lock on `username` from this request's address ends, at the latest."""
    cool_off = get_cool_off(request)
    now = timezone.now()
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=now - cool_off)
    pair = recent.filter(ip_address=getattr(request, "axes_ip_address", None))
    locking = pair if _failures(pair) >= settings.AXES_FAILURE_LIMIT else recent
    latest = locking.aggregate(latest=Max("attempt_time"))["latest"]
    return (latest or now) + cool_off


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a page in the user's language, HTTP 429, never an error page."""
    username = get_client_username(request, credentials) or ""
    until = locked_until(request, username)
    minutes = max(1, -(-int((until - timezone.now()).total_seconds()) // 60))
    return render(
        request,
        "registration/lockout.html",
        {"locked_until": until, "minutes": minutes, "username": username},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
