"""Sign-out after inactivity and after the longest allowed session.

The session stores when the user signed in and when they were last active. The last-active
time is written at most once a minute (ACTIVITY_RESOLUTION), so an ordinary page view does
not write the session; SESSION_SAVE_EVERY_REQUEST would write it on every request. Each
write also moves the session's own expiry (SESSION_COOKIE_AGE) forward, which is why the
absolute limit is checked here against the sign-in time rather than left to the cookie.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

SIGNED_IN_KEY = "_firstask_signed_in_at"
LAST_ACTIVITY_KEY = "_firstask_active_at"
ACTIVITY_RESOLUTION = 60  # seconds


def mark_signed_in(sender, request, user, **kwargs):
    """user_logged_in receiver: a new session starts its clocks now."""
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[SIGNED_IN_KEY] = now
        session[LAST_ACTIVITY_KEY] = now


def sign_out_redirect(request, message: str) -> HttpResponse:
    """Sign the user out and send them to the login page with `message` shown there."""
    next_url = request.get_full_path() if request.method == "GET" else ""
    logout(request)
    messages.info(request, message)
    response = redirect_to_login(next_url) if next_url else redirect(settings.LOGIN_URL)
    if getattr(request, "htmx", False):
        # htmx would swap the login page into a fragment: have it load the whole page.
        return HttpResponse(status=204, headers={"HX-Redirect": response["Location"]})
    return response


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            response = self.check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def check(self, request):
        session = request.session
        now = int(time.time())
        signed_in = session.get(SIGNED_IN_KEY)
        last = session.get(LAST_ACTIVITY_KEY)
        if signed_in is None or last is None:
            # A session from before this check existed: its clocks start now.
            session[SIGNED_IN_KEY] = signed_in or now
            session[LAST_ACTIVITY_KEY] = now
            return None
        idle_seconds = settings.SESSION_IDLE_MINUTES * 60
        if now - last > idle_seconds:
            minutes = settings.SESSION_IDLE_MINUTES
            return sign_out_redirect(
                request,
                ngettext(
                    "You were signed out after %(minutes)d minute of inactivity. "
                    "Please sign in again.",
                    "You were signed out after %(minutes)d minutes of inactivity. "
                    "Please sign in again.",
                    minutes,
                )
                % {"minutes": minutes},
            )
        if now - signed_in > settings.SESSION_COOKIE_AGE:
            hours = settings.SESSION_COOKIE_AGE // 3600
            return sign_out_redirect(
                request,
                ngettext(
                    "You were signed out because a session lasts at most %(hours)d hour. "
                    "Please sign in again.",
                    "You were signed out because a session lasts at most %(hours)d hours. "
                    "Please sign in again.",
                    hours,
                )
                % {"hours": hours},
            )
        if now - last >= ACTIVITY_RESOLUTION:
            session[LAST_ACTIVITY_KEY] = now
        return None


@login_required
@require_POST
def keepalive(request):
    """Someone is typing into a form: the middleware has counted this as activity.

    static/js/firstask.js calls it (at most every few minutes) while a form is being filled
    in, so a long entry at the counter is not lost to the idle sign-out when it is sent."""
    return HttpResponse(status=204)
