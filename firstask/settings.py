"""firstask settings: one module, configured from the environment (django-environ).

Every value that differs between a developer's laptop and an office's server comes from an
environment variable (or a `.env` file beside manage.py); the README lists them.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# ENV_FILE points elsewhere (or at /dev/null) for tests and unusual layouts.
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A development key is only acceptable while DEBUG is on; production must bring its own.
_DEV_SECRET_KEY = "django-insecure-firstask-development-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set SECRET_KEY in the environment (or DEBUG=true for development)."
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "inquiries",
    "penalties",
    # Sign-in security: lockout, two-factor, session timeouts (firstask.accounts).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "firstask.accounts",  # after axes: its admin.py re-registers axes' screens
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "firstask.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "firstask.accounts.sessions.SessionTimeoutMiddleware",
    "firstask.accounts.two_factor.TwoFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a lockout into the lockout page
]

ROOT_URLCONF = "firstask.urls"
WSGI_APPLICATION = "firstask.wsgi.application"
ASGI_APPLICATION = "firstask.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "firstask.navigation.navigation",
                "inquiries.context_processors.case_counts",
            ],
        },
    },
]

# Database: SQLite under var/ for a laptop, PostgreSQL in production via DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'firstask.sqlite3'}"),
}
# An optional read replica (docs/deployment.md) for the statistics, which read their summary,
# the part months' cases and the cases behind a number there; everything else, and every
# write, goes to the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
for _database in DATABASES.values():
    _database["ATOMIC_REQUESTS"] = False
    _database.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles plans for queries it thinks are big: measured on 1,000,000
        # cases it added ~550 ms to searches that run in 10 ms without it. Our queries are short.
        _database.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, for tests too: the browser tests' live server shares it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-firstask.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

# Cache: throttling counters must be shared by every app node, so production points CACHE_URL
# at Redis (redis://127.0.0.1:6379/1); a laptop and the tests use process memory.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "inquiries.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # At least 3 of: lowercase, uppercase, digits, symbols.
    {"NAME": "firstask.accounts.passwords.CharacterKindsValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in security (firstask.accounts; docs/deployment.md). Axes' backend comes first: it
# refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "firstask.accounts.lockout.LockoutBackend",  # axes.backends.AxesStandaloneBackend
    "django.contrib.auth.backends.ModelBackend",
]
# Reverse proxies whose X-Forwarded-For may be believed (addresses or CIDR blocks); empty:
# the connection's own address is the client (firstask.client_ip).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
try:
    from firstask.client_ip import parse_networks

    parse_networks(TRUSTED_PROXIES)
except ValueError as error:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from error
AXES_HANDLER = "firstask.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "firstask.client_ip.client_ip_or_none"
# Failures per (username, address), then per username from anywhere, within the cool-off.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_USERNAME_FAILURE_LIMIT = env.int("LOGIN_USERNAME_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
# Attempts are in the admin (AccessAttempt); the banner on every manage.py run is noise.
AXES_VERBOSE = False
# Attempts during a lockout do not extend it: the page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "firstask.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Two-factor sign-in (TOTP) for administrators and discipline staff: optional per user, or
# required for those roles.
REQUIRE_TWO_FACTOR_FOR_ADMIN = env.bool("REQUIRE_TWO_FACTOR_FOR_ADMIN", default=False)
OTP_TOTP_ISSUER = "firstask"
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds; doubles with each wrong code in a row
# Sessions: signed out after SESSION_IDLE_MINUTES without a request, and SESSION_COOKIE_AGE
# after signing in whatever happens (firstask.accounts.sessions); gone when the browser closes.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: forms carry the token, and htmx sends it with the form.
CSRF_COOKIE_HTTPONLY = True

# Language and time: Simplified Chinese first, English available; China Standard Time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
# In development and tests WhiteNoise serves straight from the app and project folders.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded evidence: a shared folder (NFS or similar) when several app nodes run. Never
# served directly: the penalties app streams each file after its access check.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Email: console in development; EMAIL_URL (smtp+tls://user:pass@host:587 …) in production.
# django-environ parses the URL; Django 6.1 configures backends through MAILERS.
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_SMTP_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": (
            {option: _email[key] for key, option in _SMTP_OPTIONS.items() if _email.get(key)}
            | {"timeout": env.int("EMAIL_TIMEOUT", default=30)}
            if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="firstask@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Behind HTTPS in production; each default can be relaxed through the environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)  # one working day
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    if env.bool("USE_X_FORWARDED_PROTO", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (Django's own middleware): every script and style comes from our
# static files; no inline code, no external source. The admin of Django 6 works under it.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Domain settings.
# Import files larger than this are refused before parsing.
ORGANISATION_IMPORT_MAX_BYTES = env.int("ORGANISATION_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)

SITE_TITLE = _("firstask")
