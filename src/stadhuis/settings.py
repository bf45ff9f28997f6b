"""Django settings for Stadhuis, read from documented environment variables.

See docs/configuration.md for every variable. Production refuses to start without
real keys; debug and demo mode generate local ones under the var directory.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from stadhuis.core import secrets
from stadhuis.core.config import env, env_bool, env_int, env_list

PACKAGE_DIR = Path(__file__).resolve().parent

DEBUG = env_bool("STADHUIS_DEBUG", False, help="Development mode: tracebacks, local keys.")
DEMO_MODE = env_bool(
    "STADHUIS_DEMO",
    False,
    help="Demo mode: enables the demo login and shows a demo banner. Never in production.",
)
VAR_DIR = Path(
    env("STADHUIS_VAR_DIR", str(Path.cwd() / "var"), help="Directory for SQLite, media, keys.")
    or "var"
).resolve()
LOCAL_KEYS_OK = DEBUG or DEMO_MODE

SECRET_KEY = secrets.resolve(
    "STADHUIS_SECRET_KEY",
    env("STADHUIS_SECRET_KEY", help="Django's secret key (sessions, CSRF). Required."),
    kind="token",
    local_ok=LOCAL_KEYS_OK,
    var_dir=VAR_DIR,
)
PSEUDONYM_KEY = secrets.resolve(
    "STADHUIS_PSEUDONYM_KEY",
    env(
        "STADHUIS_PSEUDONYM_KEY",
        help="HMAC key that turns a BSN into the resident's pseudonym. Required; never rotate "
        "without a migration plan, every pseudonym depends on it.",
    ),
    kind="token",
    local_ok=LOCAL_KEYS_OK,
    var_dir=VAR_DIR,
)
BSN_ENCRYPTION_KEYS = secrets.resolve(
    "STADHUIS_BSN_KEYS",
    env(
        "STADHUIS_BSN_KEYS",
        help="Comma-separated Fernet keys for stored BSNs; the first encrypts, all decrypt "
        "(rotation). Required.",
    ),
    kind="fernet",
    local_ok=LOCAL_KEYS_OK,
    var_dir=VAR_DIR,
).split(",")
PROCESSING_LOG_KEY = secrets.resolve(
    "STADHUIS_LOG_KEY",
    env(
        "STADHUIS_LOG_KEY",
        help="HMAC key for the processing log's entry and block hashes. Required; keep it "
        "outside the database so that a database-only attacker cannot forge entries.",
    ),
    kind="token",
    local_ok=LOCAL_KEYS_OK,
    var_dir=VAR_DIR,
)

ALLOWED_HOSTS = env_list(
    "STADHUIS_ALLOWED_HOSTS",
    "127.0.0.1,localhost" if LOCAL_KEYS_OK else "",
    help="Host names this installation answers to, comma-separated.",
)
TRUSTED_PROXIES = env_int(
    "STADHUIS_TRUSTED_PROXIES",
    0,
    help="Number of reverse proxies in front of Stadhuis that append to X-Forwarded-For; "
    "used to find the visitor's address for rate limits.",
)
CSRF_TRUSTED_ORIGINS = env_list(
    "STADHUIS_CSRF_TRUSTED_ORIGINS", help="Origins trusted for CSRF, e.g. https://stad.example.nl."
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "mozilla_django_oidc",
    "stadhuis.core",
    "stadhuis.privacy",
    "stadhuis.accounts",
    "stadhuis.cases",
    "stadhuis.participation",
    "stadhuis.dossier",
    "stadhuis.web",
    "stadhuis.api",
    "stadhuis.demo",
]

MIDDLEWARE = [
    "stadhuis.core.middleware.TraceContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "stadhuis.core.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "stadhuis.accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "stadhuis.core.middleware.PrivateCacheMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "stadhuis.urls"
WSGI_APPLICATION = "stadhuis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "stadhuis.web.context_processors.site",
            ],
        },
    },
]

# Django's widget HTML, written in Python rather than rendered by one template per
# element and option (stadhuis.web.renderers): the same HTML, a fraction of the time.
FORM_RENDERER = "stadhuis.web.renderers.FastWidgets"

DATABASES = {
    "default": dj_database_url.parse(
        env(
            "DATABASE_URL",
            f"sqlite:///{VAR_DIR / 'stadhuis.sqlite3'}",
            help="Database URL; default an embedded SQLite file under the var directory. "
            "Production: postgres://user:pass@host:5432/name.",
        )
        or "",
        conn_max_age=env_int(
            "STADHUIS_DB_CONN_MAX_AGE", 60, help="Seconds to keep database connections open."
        ),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the one writer work side by side; IMMEDIATE avoids
    # "database is locked" upgrades from read to write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Local memory in each server process. "shared" keeps renderings of public pages for
# anonymous visitors (stadhuis.core.shared); they are outdated by a version in the
# database, so no copy outlives a change by more than SHARED_DELAY_MS and no cache
# server is needed.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "stadhuis-shared",
        "TIMEOUT": 3600,
        "OPTIONS": {
            "MAX_ENTRIES": env_int(
                "STADHUIS_SHARED_ANSWERS",
                2000,
                help="Renderings of public pages each server process keeps (about 15 KB each).",
            )
        },
    },
}

SHARED_DELAY_MS = env_int(
    "STADHUIS_SHARED_DELAY_MS",
    1000,
    help="How long (ms) after a change an anonymous visitor may still get a public list "
    "from before it; 0: never.",
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "stadhuis.accounts.backends.AccountBackend",
    "stadhuis.accounts.oidc.ResidentOIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# Staff lockout (django-axes): after this many failures the account and address are
# locked for the cool-off period.
AXES_FAILURE_LIMIT = env_int(
    "STADHUIS_LOGIN_FAILURE_LIMIT", 5, help="Failed staff logins before a lockout."
)
AXES_COOLOFF_TIME = (
    env_int(
        "STADHUIS_LOGIN_COOLOFF_MINUTES", 30, help="Minutes a locked-out staff login stays locked."
    )
    / 60
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Sessions: inactivity and absolute timeouts (see accounts.middleware).
SESSION_IDLE_TIMEOUT = (
    env_int("STADHUIS_SESSION_IDLE_MINUTES", 15, help="Minutes of inactivity before logout.") * 60
)
SESSION_ABSOLUTE_TIMEOUT = (
    env_int("STADHUIS_SESSION_MAX_HOURS", 8, help="Hours after login when a session always ends.")
    * 3600
)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

SECURE = env_bool(
    "STADHUIS_SECURE",
    not LOCAL_KEYS_OK,
    help="Served over HTTPS: secure cookies, HSTS and HTTPS redirect. On by default in "
    "production, off in debug and demo (which run on http://127.0.0.1).",
)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_bool(
    "STADHUIS_SSL_REDIRECT", True, help="Redirect http to https (off behind a TLS proxy)."
)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "stadhuis.web.views.csrf_failure"

# A strict Content-Security-Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    }
}

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Debug prints mail to the console; the demo writes it to files under var/mail (so the
# worker's mail does not bury the demo accounts printed in the terminal).
if DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif DEMO_MODE:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env("STADHUIS_EMAIL_HOST", "localhost", help="SMTP server for outgoing mail.")
EMAIL_PORT = env_int("STADHUIS_EMAIL_PORT", 25, help="SMTP port.")
DEFAULT_FROM_EMAIL = env(
    "STADHUIS_FROM_EMAIL", "noreply@stadhuis.localhost", help="Sender of outgoing mail."
)

# OpenID Connect for residents (DigiD / eHerkenning through the municipality's broker).
OIDC_RP_CLIENT_ID = env("STADHUIS_OIDC_CLIENT_ID", "", help="OIDC client id at the broker.")
OIDC_RP_CLIENT_SECRET = env("STADHUIS_OIDC_CLIENT_SECRET", "", help="OIDC client secret.")
OIDC_OP_AUTHORIZATION_ENDPOINT = env(
    "STADHUIS_OIDC_AUTHORIZATION_ENDPOINT", "", help="Broker's authorization endpoint."
)
OIDC_OP_TOKEN_ENDPOINT = env("STADHUIS_OIDC_TOKEN_ENDPOINT", "", help="Broker's token endpoint.")
OIDC_OP_USER_ENDPOINT = env(
    "STADHUIS_OIDC_USERINFO_ENDPOINT", "", help="Broker's userinfo endpoint."
)
OIDC_OP_JWKS_ENDPOINT = env("STADHUIS_OIDC_JWKS_ENDPOINT", "", help="Broker's JWKS endpoint.")
OIDC_RP_SIGN_ALGO = env("STADHUIS_OIDC_SIGN_ALGO", "RS256", help="ID token signing algorithm.")
OIDC_RP_SCOPES = env("STADHUIS_OIDC_SCOPES", "openid bsn", help="Scopes asked of the broker.")
OIDC_BSN_CLAIM = env(
    "STADHUIS_OIDC_BSN_CLAIM", "bsn", help="Claim in which the broker passes the BSN."
)
OIDC_POSTCODE_CLAIM = env(
    "STADHUIS_OIDC_POSTCODE_CLAIM",
    "address.postal_code",
    help="Claim (dotted path) with the resident's postcode from the BRP; used for "
    "neighbourhood eligibility.",
)
OIDC_BIRTHDATE_CLAIM = env(
    "STADHUIS_OIDC_BIRTHDATE_CLAIM",
    "birthdate",
    help="Claim with the resident's birth date (YYYY-MM-DD) from the BRP; used for minimum ages.",
)
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID and OIDC_OP_AUTHORIZATION_ENDPOINT)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
OIDC_STORE_ID_TOKEN = False
LOGIN_REDIRECT_URL_FAILURE = "/inloggen"

MUNICIPALITY_NAME = env(
    "STADHUIS_MUNICIPALITY", "Gemeente Voorbeeldstad", help="Name shown on every page."
)

DOSSIER_SHOW_STAFF_NAMES = env_bool(
    "STADHUIS_DOSSIER_SHOW_STAFF_NAMES",
    False,
    help="Show residents the names of staff who processed their data (else unit and role).",
)
ASSISTED_SESSION_MINUTES = env_int(
    "STADHUIS_ASSISTED_SESSION_MINUTES", 30, help="How long an assisted-service session lasts."
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
API_VERSION = "1.0.0"
