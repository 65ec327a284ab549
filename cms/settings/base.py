"""Settings shared by every environment: secure by default, read from the environment.

A missing variable fails closed: DEBUG is off, SECRET_KEY and ALLOWED_HOSTS must be given.
Optional services (PostgreSQL, Redis/Celery, SMTP) switch on when their URL is set; without them
the site runs on SQLite, runs tasks inline and prints mail to the console (development only:
production.py refuses to start without a broker and a shared cache).
"""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

import environ


BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("NEWSROOM_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core",
    "accounts",
    "home",
    "news",
    "media_assets",
    "search",
    # Before any app whose ready() loads wagtail_hooks: wagtailmedia registers its permission policy there.
    "wagtailmedia",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A query string with NUL, control characters, non-UTF-8 bytes or huge values: 400.
    "core.middleware.BadQueryStringMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "news.locale_access.TranslatorLocaleMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Databases: PostgreSQL through psycopg 3 when DATABASE_URL is set, SQLite under var/ otherwise.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# allauth's backend alone: it logs in by e-mail address on the public site and in Wagtail's
# admin (whose form sends it as "username"), and keeps Django's permission checks (it extends
# ModelBackend). With Django's ModelBackend listed too, every failed log-in hashed the password
# twice, once per backend: twice the work an attacker's guess costs the server.
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]

# Internationalisation: UI strings through Django's i18n (locale/), content through wagtail-localize.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# "Translate this page" makes a draft, even of a live source: a translation goes live only
# through the review workflow (wagtail-localize publishes it at once by default).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
# Slugs are transliterated ASCII in every language ("le-secretaire-general", not "le-secrétaire").
WAGTAIL_ALLOW_UNICODE_SLUGS = False
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# collectstatic writes here and nginx serves it (deploy/nginx.conf: $newsroom_static_root).
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Public media (posters, previews) are served by the web server; Django serves them only in development.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
# Broadcast masters never sit under MEDIA_URL: they live here and leave only through the download view.
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
# Uploads above 2.5 MB are streamed to a temporary file, never held in memory.
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default=None)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Wagtail
WAGTAIL_SITE_NAME = "Newsroom"
# Wagtail's own default avatar, not Gravatar's: the admin would send a hash of every staff
# address to a third party on each page (and show a broken image where it cannot be reached).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = env.str(
    "WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000"
)
WAGTAILMEDIA = {"MEDIA_MODEL": "media_assets.Video"}
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_USER_CUSTOM_FIELDS = ["organisation"]
# Wagtail's own search (admin, page choosers) stays on the database whatever the
# environment says: ELASTICSEARCH_URL belongs to the archive search, not to Wagtail.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The archive search's Elasticsearch engine (search/engines/elasticsearch.py) when set;
# otherwise the archive is searched in the database.
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_INDEX = env.str("ELASTICSEARCH_INDEX", default="newsroom-archive")

# Celery: a Redis broker when CELERY_BROKER_URL is set; otherwise tasks run inline.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None
)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    # partial downloads have a queue of their own: a long part never delays processing
    "media_assets.tasks.make_clip_task": {"queue": "clips"},
    "media_assets.tasks.*": {"queue": "media"},
}
CELERY_TIMEZONE = TIME_ZONE
# With acks_late, Redis hands a task that was not acknowledged to another worker after the
# visibility timeout, even while the first one still runs it. It must exceed the longest run
# (media_assets.tasks: processing 4 h, a clip 6 h) or long jobs would run twice at once;
# a job lost to a killed worker does not wait for it: the sweep (NEWSROOM_SWEEP_INTERVAL)
# queues it again after a deadline derived from the master's duration.
# https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#visibility-timeout
# A broker that is down answers within seconds (connect timeout, two quick publish retries)
# instead of blocking an upload: the video stays queued until the sweep reaches it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 6 * 60 * 60 + 10 * 60,
    "socket_connect_timeout": 3,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 3
NEWSROOM_SWEEP_INTERVAL = env.float("NEWSROOM_SWEEP_INTERVAL", default=60.0)

# E-mail: SMTP when EMAIL_URL is set (smtp://user:pass@host:port), the console otherwise.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Newsroom <newsroom@example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL

# Security: on by default, relaxed only in dev/test settings.
# https://docs.djangoproject.com/en/5.2/ref/settings/#secure-ssl-redirect
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preload is the operator's choice (hard to undo): SECURE_HSTS_PRELOAD=true to opt in.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "SAMEORIGIN"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# --- accounts (journalist accounts, django-allauth) ---
# https://docs.allauth.org/en/latest/account/configuration.html
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# E-mail is the log-in, no username.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# One address per account: "change e-mail" replaces it once the new one is verified, so the
# page offers no "make primary" or second address (templates/account/email_change.html).
ACCOUNT_CHANGE_EMAIL = True
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
ACCOUNT_FORMS = {
    "add_email": "accounts.forms.AddEmailForm",
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
}
ACCOUNT_SIGNUP_REDIRECT_URL = "accounts:welcome"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Verification and password reset by code: 30 minutes, 3 wrong codes and the code is dead.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 30 * 60
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 3
# "Send a new code" may be used this many times per verification.
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = 3
# The pending log-in (between sign-up and the right code) outlives every code it may get.
ACCOUNT_LOGIN_TIMEOUT = (
    ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND + 1
) * ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT = 30 * 60
ACCOUNT_PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS = 3
# Codes: 8 characters from allauth's unambiguous alphabet (secrets-backed), shown as XXXX-XXXX.
ALLAUTH_USER_CODE_FORMAT = {"length": 8, "dashed": True}
# The reset form sends the same mail-shaped answer for unknown addresses (no enumeration).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# How long a person waits between two "send a new code" (verification and reset).
NEWSROOM_CODE_RESEND_WAIT_SECONDS = 60
# https://docs.allauth.org/en/latest/account/rate_limits.html
ACCOUNT_RATE_LIMITS = {
    "confirm_email": f"1/{NEWSROOM_CODE_RESEND_WAIT_SECONDS}s/key",
    "reset_password": f"20/m/ip,1/{NEWSROOM_CODE_RESEND_WAIT_SECONDS}s/key",
    "login_failed": "10/m/ip,5/300s/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
}
# Rate limits count the client address set by our own proxies only; a forged
# X-Forwarded-For from the client is ignored. Set to the number of proxies in front.
# https://docs.allauth.org/en/latest/common/configuration.html
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
# The Wagtail admin log-in goes through allauth's throttled authentication too.
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.AdminLoginForm"
# The client's composition policy, plus Django's common-password and similarity checks.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.PasswordPolicyValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# https://docs.djangoproject.com/en/5.2/ref/settings/#session-cookie-samesite
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- editorial workflow, embargo, feeds ---
# Reviewers and authors get Wagtail's workflow e-mails (in their admin language), as text and HTML.
WAGTAILADMIN_NOTIFICATION_USE_HTML = True
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
# An approved release edited again goes back through review.
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
# Embargo: Wagtail scheduled publishing runs every minute (Celery beat in cms/celery.py; `make run`).
NEWS_FEED_SIZE = 30
# Files leave through media_assets.serving: behind nginx, each STORAGES alias maps to the
# `internal` location that aliases its directory, and nginx sends the bytes (X-Accel-Redirect):
# MEDIA_ROOT (posters, previews; e.g. /protected-media/) and the masters (e.g. /protected/).
# Empty: Django streams the file itself, with Range (development and tests).
# Signed download links live this long (seconds), and an account may start this many
# downloads an hour (a resumed download is the same download).
NEWSROOM_DOWNLOAD_LINK_MAX_AGE = env.int(
    "NEWSROOM_DOWNLOAD_LINK_MAX_AGE", default=24 * 3600
)
NEWSROOM_DOWNLOADS_PER_HOUR = env.int("NEWSROOM_DOWNLOADS_PER_HOUR", default=20)
NEWSROOM_ACCEL_LOCATIONS = {
    alias: location
    for alias, location in (
        ("default", env.str("NEWS_PROTECTED_MEDIA_PREFIX", default="")),
        ("private", env.str("NEWSROOM_PROTECTED_MASTERS_PREFIX", default="")),
    )
    if location
}

# --- video library (media_assets) ---
# Broadcast masters we accept (the content is checked with ffprobe as well).
WAGTAILMEDIA["VIDEO_EXTENSIONS"] = ["mp4", "m4v", "mov", "mxf"]
# The Celery queue of video processing, and limits of each ffmpeg/ffprobe run
# (see media_assets/conf.py for the defaults and the figures behind them).
NEWSROOM_MEDIA_QUEUE = env.str("NEWSROOM_MEDIA_QUEUE", default="media")
# Partial downloads: their queue, the disk the prepared parts may take (least recently
# downloaded go first), how many one account may have in preparation at once
NEWSROOM_CLIPS_QUEUE = env.str("NEWSROOM_CLIPS_QUEUE", default="clips")
NEWSROOM_CLIP_CACHE_BYTES = env.int("NEWSROOM_CLIP_CACHE_BYTES", default=50 * 1000**3)
NEWSROOM_CLIPS_PER_ACCOUNT = env.int("NEWSROOM_CLIPS_PER_ACCOUNT", default=3)
NEWSROOM_FFMPEG_MEMORY_LIMIT = env.int(
    "NEWSROOM_FFMPEG_MEMORY_LIMIT", default=3 * 1024**3
)
# Uploads: a first handler notices files cut off mid-upload (media_assets.uploads), then
# Django's own: small files in memory, anything over FILE_UPLOAD_MAX_MEMORY_SIZE to disk.
FILE_UPLOAD_HANDLERS = [
    "media_assets.uploads.InterruptedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
