"""Optional TOTP two-factor sign-in (django-otp) for administrators and discipline staff.

Who may use it: superusers and holders of the administrator or discipline role. Each of them
may turn it on at /account/two-factor/; REQUIRE_TWO_FACTOR_FOR_ADMIN makes it mandatory
(they are sent to the set-up page until it is on). Once a user has a confirmed device,
signing in takes the password and then a 6-digit code at /login/verify/; until the code is
given, every page except that one, the set-up page and log-out redirects there. That
includes the Django admin.

What the session needs is worked out once, at sign-in (`note_state_at_login`), and kept in
the session: an ordinary request costs no query for it.

Wrong codes: django-otp's own throttling makes each wrong code double the wait before the
next (1, 2, 4 … seconds); on top of that, after MAX_CODE_FAILURES wrong codes in a row the
device accepts nothing for CODE_LOCK. Both counts live on the device row, so every app node
sees them. Turning two-factor on or off is written to the admin's action log (LogEntry, on
the user) and to the `firstask.security` logger.
"""

import datetime
import logging
import time
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from inquiries.roles import ADMINISTRATOR, DISCIPLINE

log = logging.getLogger("firstask.security")

STATE_KEY = "_firstask_two_factor"
PENDING_KEY = "_firstask_two_factor_pending"
VERIFY, SET_UP, NONE = "verify", "set_up", "none"
MAX_CODE_FAILURES = 5
CODE_LOCK = datetime.timedelta(minutes=15)
PRIVILEGED_GROUPS = (ADMINISTRATOR.group_name, DISCIPLINE.group_name)


def may_use_two_factor(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.groups.filter(name__in=PRIVILEGED_GROUPS).exists()
    )


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def _state_of(user) -> str:
    if confirmed_device(user) is not None:
        return VERIFY
    if settings.REQUIRE_TWO_FACTOR_FOR_ADMIN and may_use_two_factor(user):
        return SET_UP
    return NONE


def _remember(request, user, state: str) -> None:
    request.session[STATE_KEY] = [user.pk, state]


def note_state_at_login(sender, request, user, **kwargs):
    """user_logged_in receiver: what this session must do before it may use the system."""
    if getattr(request, "session", None) is not None:
        _remember(request, user, _state_of(user))


def session_state(request) -> str:
    remembered = request.session.get(STATE_KEY)
    if isinstance(remembered, list) and len(remembered) == 2 and remembered[0] == request.user.pk:
        return remembered[1]
    state = _state_of(request.user)
    _remember(request, request.user, state)
    return state


def _redirect(request, url_name: str) -> HttpResponse:
    url = reverse(url_name)
    if request.method == "GET" and not getattr(request, "htmx", False):
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    if getattr(request, "htmx", False):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: hold unverified sessions at the code or set-up page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            state = session_state(request)
            if state != NONE:
                target = "two_factor_verify" if state == VERIFY else "two_factor_setup"
                allowed = {reverse(target), reverse("logout"), reverse("set_language")}
                if request.path_info not in allowed:
                    return _redirect(request, target)
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        min_length=6,
        max_length=6,
        help_text=_("The code your authenticator app shows now."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("Enter the 6 digits your authenticator app shows."))
        return code

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code")
        if code is None:
            return cleaned
        device = self.device
        if device.throttling_failure_count >= MAX_CODE_FAILURES and (
            device.throttling_failure_timestamp is not None
            and timezone.now() - device.throttling_failure_timestamp < CODE_LOCK
        ):
            until = timezone.localtime(device.throttling_failure_timestamp + CODE_LOCK)
            raise forms.ValidationError(
                _("Too many wrong codes. Try again after %(time)s.")
                % {"time": until.strftime("%H:%M")},
                code="locked",
            )
        allowed, data = device.verify_is_allowed()
        if not allowed:
            seconds = 1
            if data and data.get("locked_until"):
                seconds = max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)
            raise forms.ValidationError(
                ngettext(
                    "Too many wrong codes. Wait %(seconds)d second and try again.",
                    "Too many wrong codes. Wait %(seconds)d seconds and try again.",
                    seconds,
                )
                % {"seconds": seconds},
                code="throttled",
            )
        if not device.verify_token(code):
            raise forms.ValidationError(
                _("That code is not right. Check the time on your phone and try the new code."),
                code="wrong",
            )
        return cleaned


class ConfirmForm(CodeForm):
    """The first code from a new, unsaved device: checked without writing anything."""

    def clean(self):
        cleaned = forms.Form.clean(self)
        code = cleaned.get("code")
        if code is None:
            return cleaned
        device = self.device
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        if not totp.verify(int(code), tolerance=device.tolerance):
            raise forms.ValidationError(
                _("That code is not right. Check the time on your phone and try the new code."),
                code="wrong",
            )
        # Remember which step was used: the same code cannot then sign in a second time.
        cleaned["step"], cleaned["drift"] = totp.t(), totp.drift
        return cleaned


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not right."), code="wrong")
        return password


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _audit(request, message: str) -> None:
    user = request.user
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=message,
        single_object=True,
    )
    log.info("%s: user=%s", message, user.get_username())


@sensitive_post_parameters("code")
@never_cache
@login_required
def verify(request):
    """The second step of signing in: the code from the authenticator app."""
    device = confirmed_device(request.user)
    next_url = _safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if device is None or request.user.is_verified():
        return redirect(next_url)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        request.session.cycle_key()
        otp_login(request, device)
        _remember(request, request.user, VERIFY)
        return redirect(next_url)
    status = 200 if request.method == "GET" else 400
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": next_url},
        status=status,
    )


def _qr_svg(data: str) -> str:
    svg = segno.make(data, error="m", micro=False).svg_inline(
        scale=4, border=4, title=gettext("Two-factor set-up code"), svgclass="qr-code"
    )
    return mark_safe(svg)  # segno writes nothing from outside but the escaped title


def _secret_text(device: TOTPDevice) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@sensitive_post_parameters("code", "password")
@never_cache
@login_required
def setup(request):
    """Turn two-factor sign-in on (scan, confirm a code) or off (password again)."""
    user = request.user
    if not may_use_two_factor(user):
        raise Http404
    device = confirmed_device(user)
    required = settings.REQUIRE_TWO_FACTOR_FOR_ADMIN
    if device is not None:
        form = PasswordConfirmForm(request.POST or None, user=user)
        if request.method == "POST":
            if required:
                messages.error(request, gettext("Two-factor sign-in is required for your role."))
                return redirect("two_factor_setup")
            if form.is_valid():
                TOTPDevice.objects.filter(user=user).delete()
                request.session.pop(DEVICE_ID_SESSION_KEY, None)
                _remember(request, user, NONE)
                _audit(request, "Two-factor sign-in turned off")
                messages.success(request, gettext("Two-factor sign-in is off."))
                return redirect("two_factor_setup")
        return render(
            request,
            "registration/two_factor_setup.html",
            {"enabled": True, "form": form, "required": required},
            status=400 if request.method == "POST" else 200,
        )

    # The new secret waits in the session until a code confirms it: a GET writes no device.
    key = request.session.get(PENDING_KEY)
    if not key:
        key = request.session[PENDING_KEY] = random_hex(20)
    pending = TOTPDevice(user=user, name=gettext("Authenticator app"), key=key, confirmed=True)
    form = ConfirmForm(request.POST or None, device=pending)
    if request.method == "POST" and form.is_valid():
        TOTPDevice.objects.filter(user=user).delete()
        pending.last_t = form.cleaned_data["step"]
        pending.drift = form.cleaned_data["drift"]
        pending.save()
        del request.session[PENDING_KEY]
        request.session.cycle_key()
        otp_login(request, pending)
        _remember(request, user, VERIFY)
        _audit(request, "Two-factor sign-in turned on")
        messages.success(
            request,
            gettext("Two-factor sign-in is on. You will need a code each time you sign in."),
        )
        return redirect(_safe_next(request, reverse("two_factor_setup")))
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "enabled": False,
            "form": form,
            "required": required,
            "qr_svg": _qr_svg(pending.config_url),
            "secret": _secret_text(pending),
            "next": _safe_next(request, ""),
        },
        status=400 if request.method == "POST" else 200,
    )
