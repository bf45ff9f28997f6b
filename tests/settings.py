"""Test settings: fixed, obviously fake keys; fast password hashing."""

import os

os.environ.setdefault("STADHUIS_DEBUG", "0")
os.environ.setdefault("STADHUIS_SECRET_KEY", "t" * 50)
os.environ.setdefault("STADHUIS_PSEUDONYM_KEY", "p" * 50)
os.environ.setdefault("STADHUIS_BSN_KEYS", "ZmFrZS10ZXN0LWtleS1mb3ItYnNuLWVuY3J5cHRpb24=")
os.environ.setdefault("STADHUIS_LOG_KEY", "l" * 50)
os.environ.setdefault("STADHUIS_SECURE", "0")
os.environ.setdefault("STADHUIS_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from stadhuis.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests check that a change reaches the next anonymous visitor at once; the delay has
# its own test (tests/participation/test_shared_answers.py).
SHARED_DELAY_MS = 0
