"""Settings for the test suite: the production module with a fixed key and plain HTTP."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-firstask-0123456789-abcdefghijklmnop")
# The suite does not depend on a developer's .env; DATABASE_URL still comes from the environment.
os.environ.setdefault("ENV_FILE", os.devnull)

from firstask.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Hashing strength is not under test; a fast hasher keeps the suite quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Uploaded evidence from the tests goes to a throwaway folder, not the developer's var/media.
MEDIA_ROOT = tempfile.mkdtemp(prefix="firstask-test-media-")
