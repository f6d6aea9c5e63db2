"""The one settings module of Casa Map, read from the environment (and a local .env file).

Production values come only from the environment; the defaults are safe for a local machine.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

from casa_map import redis_connections

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "casa_map.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_api_key",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_ratelimit",
    "axes",
    "accounts",
    "districts",
    "issues",
    "staff",
    "planning",
    "open311",
    "alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "casa_map.middleware.KnownMethodsMiddleware",
    # Compresses what the middleware below and the views answer (their bodies are final).
    "casa_map.compression.TextGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A 503 at once when gunicorn's accept queue is longer than OVERLOAD_QUEUE_LENGTH.
    "casa_map.overload.ShedWhenSaturatedMiddleware",
    # Before anything reads the body: a body larger than its route takes is answered 413.
    "casa_map.middleware.BodyLimitMiddleware",
    # Before anything that reads the database with what the request carries (sessions, views).
    "casa_map.middleware.UnstorableTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # With a replica: which reads may lag, and each client's reads after their own writes.
    "casa_map.replica.ReadYourWritesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "casa_map.urls"
WSGI_APPLICATION = "casa_map.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "casa_map.context_processors.map_settings",
                "casa_map.context_processors.staff_desk",
                "casa_map.context_processors.privacy_notice",
            ],
            "libraries": {"casa_map": "casa_map.template_tags"},
        },
    },
]

# Local default: the Unix socket, as the current OS user (see scripts/ensure_local_postgis.sh).
DATABASES = {"default": env.db("DATABASE_URL", default="postgis:///casa_map")}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

# Above this many connections waiting for a gunicorn worker, requests are answered 503 at once
# (casa_map/overload.py): about a second of waiting at the rate reports are filed here.
OVERLOAD_QUEUE_LENGTH = env.int("OVERLOAD_QUEUE_LENGTH", default=64)
OVERLOAD_RETRY_AFTER = env.int("OVERLOAD_RETRY_AFTER", default=10)
# A kept connection is checked before reuse: after a PostgreSQL restart, requests reconnect
# instead of failing once per worker.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# "pgbouncer" when DATABASE_URL points at PgBouncer in transaction pooling (scripts/pgbouncer.sh):
# a transaction may then run on any server connection, so nothing may outlive one. Server-side
# cursors (QuerySet.iterator) are off; the code keeps no other session state (advisory locks are
# pg_advisory_xact_lock, settings set_config(..., true)); psycopg2 prepares nothing server-side.
DATABASE_POOLER = env.str("DATABASE_POOLER", default="")
if DATABASE_POOLER == "pgbouncer":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# Optional streaming replica (`make replica`): the public maps, figures, feeds and lists read
# from it, each client's own reads after a write from the primary (casa_map/replica.py). A replica
# lagging more than REPLICA_MAX_LAG_SECONDS, or down, is skipped (checked every
# REPLICA_CHECK_SECONDS per process; a connection attempt gives up after one second).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=30.0)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=1.0)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL) | {
        "ENGINE": "django.contrib.gis.db.backends.postgis",
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": 1},
        # In the main test run the replica is a second connection to the test database; the
        # tests of a real replica start one (tests/deploy/test_replica.py).
        "TEST": {"MIRROR": "default"},
    }
# bench/load.py's stack only: mounts the durable floor of filing (bench/durable_floor.py).
BENCH_DURABLE_FLOOR = env.bool("BENCH_DURABLE_FLOOR", default=False)
DATABASE_ROUTERS = ["casa_map.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Debian 12 ships GDAL 3.6, which cannot block file/network access while resolving a spatial
# reference. No untrusted input reaches GDAL: uploaded GeoJSON is parsed by shapely/GEOS and every
# SRID is fixed in code (districts/boundaries.py).
SILENCED_SYSTEM_CHECKS = [
    "gis.W001",
    # The default local-memory cache is per process: right for runserver and the tests. Any
    # multi-process deployment sets CACHE_URL=redis://… (docker-compose does), which
    # django-ratelimit supports.
    "django_ratelimit.E003",
    "django_ratelimit.W001",
]

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://casa-map")}
# Redis as a replicated set watched by Sentinel (scripts/redis_ha.sh): with REDIS_SENTINELS set,
# the cache and Celery's broker find the master through the sentinels (casa_map.redis_connections)
# and follow a failover; CACHE_URL and CELERY_BROKER_URL are then not used.
REDIS_SENTINELS = redis_connections.parse_sentinels(env.list("REDIS_SENTINELS", default=[]))
REDIS_SENTINEL_MASTER = env.str("REDIS_SENTINEL_MASTER", default="casa-map")
if REDIS_SENTINELS:
    CACHES = {
        "default": redis_connections.cache_through_sentinels(
            REDIS_SENTINELS, REDIS_SENTINEL_MASTER, db=env.int("REDIS_CACHE_DB", default=0)
        )
    }
# Sessions live in the database only: with Redis down, a session saved after a report's commit
# must not fail the response (cached_db would, and the citizen would be told "not received").
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# django-axes: AXES_FAILURE_LIMIT wrong passwords for one address from one client lock that pair
# out for AXES_COOLOFF_MINUTES. Not the client alone: Moroccan mobile networks put many citizens
# behind one address (carrier-grade NAT).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "casa_map.clients.client_ip"
AXES_VERBOSE = False  # its messages name the account and the address: personal data
# Staff (and admin) sessions end after STAFF_SESSION_HOURS; citizens stay signed in for weeks.
STAFF_SESSION_HOURS = env.int("STAFF_SESSION_HOURS", default=8)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "after-sign-in"  # staff to their queue, citizens to their reports
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Citizens' files: MEDIA_ROOT on a local disk or volume (default), or MEDIA_STORAGE=s3 for any
# S3-compatible object store through django-storages (AWS_STORAGE_BUCKET_NAME,
# AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). Files are private either way:
# the site serves them itself (issues.views.attachment_file), never by a bucket URL.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
# Behind the proxy (deploy/nginx), files on the local disk are sent by nginx: the view decides who
# may see a file and answers X-Accel-Redirect to this internal prefix ("" = Django streams it).
MEDIA_ACCEL_REDIRECT = env.str("MEDIA_ACCEL_REDIRECT", default="")
MEDIA_BACKENDS = {
    "filesystem": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "s3": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME", default=""),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    },
}
STORAGES = {
    "default": MEDIA_BACKENDS[MEDIA_STORAGE],
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# SMTP in production (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend); a worker never
# waits more than EMAIL_TIMEOUT seconds on the mail server before retrying later.
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# For the file backend (a local record of what was sent): one file per message.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-emails"))
# SMS to citizens (issues.sms): written as files in SMS_FILE_PATH unless an SMSC is configured
# (SMS_BACKEND=issues.sms.backends.smpp.SmsBackend and the SMPP_* values; README, "SMS").
SMS_BACKEND = env.str("SMS_BACKEND", default="issues.sms.backends.filebased.SmsBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(BASE_DIR / "sent-sms"))
# The sender shown on phones: a short code / number, or a name of at most 11 letters the
# operator registered.
SMS_SOURCE_ADDRESS = env.str("SMS_SOURCE_ADDRESS", default="CasaMap")
SMPP_HOST = env.str("SMPP_HOST", default="127.0.0.1")
SMPP_PORT = env.int("SMPP_PORT", default=2775)
SMPP_SYSTEM_ID = env.str("SMPP_SYSTEM_ID", default="")
SMPP_PASSWORD = env.str("SMPP_PASSWORD", default="")
SMPP_SYSTEM_TYPE = env.str("SMPP_SYSTEM_TYPE", default="")
# transceiver: receipts and STOP replies also reach the sending connection; transmitter when
# the operator allows only that (then only manage.py listen_sms receives them).
SMPP_BIND = env.str("SMPP_BIND", default="transceiver")
# Seconds a worker waits on the SMSC (connect, bind, each submit_sm_resp) before retrying later.
SMPP_TIMEOUT = env.int("SMPP_TIMEOUT", default=10)
# Absolute address of the site, for links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Casa Map <no-reply@casamap.local>")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    # Staff programs send `Authorization: Token …` (tokens managed in the admin); pages' own
    # scripts use the session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["casa_map.throttles.WriteThrottle"],
    "EXCEPTION_HANDLER": "casa_map.api_errors.api_exception_handler",
}
# Writes through the API (reports, supports, staff actions, Open311 POSTs): per IP when
# anonymous, per account (token) when signed in. DRF rate syntax: "20/hour", "5/minute".
API_WRITE_RATES = {
    "anonymous": env.str("API_ANONYMOUS_WRITE_RATE", default="20/hour"),
    "authenticated": env.str("API_AUTHENTICATED_WRITE_RATE", default="1000/hour"),
    "open311_key": env.str("OPEN311_KEY_WRITE_RATE", default="1000/hour"),
}
# Errors met before a view runs (too large, bad characters, overload, outage) are answered in the
# format of the interface the path belongs to (casa_map.views.machine_error).
INTERFACE_ERROR_WRITERS = {"/open311/": "open311.formats.interface_error"}
# Open311 GeoReport v2 (/open311/v2/): the one jurisdiction served, and what discovery says.
OPEN311_JURISDICTION = env.str("OPEN311_JURISDICTION", default="casablanca.ma")
OPEN311_CHANGESET = "2026-11-25T00:00:00Z"  # when this server's Open311 interface last changed
OPEN311_CONTACT = env.str(
    "OPEN311_CONTACT", default="Casa Map — https://github.com/casa-map (issues tracker)"
)
OPEN311_KEY_SERVICE = env.str(
    "OPEN311_KEY_SERVICE", default="Ask the city's Casa Map administrators for an api_key."
)
SPECTACULAR_SETTINGS = {
    "TITLE": "Casa Map API",
    "DESCRIPTION": "Open API of Casa Map, Casablanca's civic issue tracker.",
    "VERSION": "1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set (status, from_status and to_status share one; each "kind"
    # has its own), so clients generate stable types.
    "ENUM_NAME_OVERRIDES": {
        "ComplaintStatusEnum": "issues.models.ComplaintStatus",
        "ComplaintKindEnum": "issues.models.ComplaintKind",
        "EventKindEnum": "issues.models.Event.Kind",
        "AttachmentKindEnum": "issues.models.Attachment.Kind",
        "AuthorityKindEnum": "districts.models.Authority.Kind",
        "DayKindEnum": "districts.working_days.DayKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "casa_map.api_schema.document_errors",
        "casa_map.api_schema.document_privacy",
    ],
}

# Map tiles are a setting so a city tile server can replace OpenStreetMap's without code changes.
# The OpenStreetMap attribution is always shown on top of this one (the data is ODbL).
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default=(
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    ),
)


# Content-Security-Policy on every response (django-csp): scripts and styles from this site only,
# no inline script, no inline style but a page's critical CSS under the response's nonce; map
# tiles from MAP_TILE_URL's origin. The one exception is the
# folium document embedded by the home page, which allows its own inline scripts by hash
# (districts.views.arrondissements_map_document).
def tile_origin(url_template: str) -> str:
    """https://{s}.tile.example.org/{z}/{x}/{y}.png → https://*.tile.example.org"""
    parts = urlsplit(url_template.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}"


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # NONCE: only on pages that inline their critical CSS (casa_map.template_tags), where
        # django-csp adds this response's nonce; every other page keeps 'self' alone.
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "blob:", tile_origin(MAP_TILE_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "frame-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

# Open311 clients (API key names) whose reports wait for a moderator before they are public,
# as 6aika's Open311 server does for API reports; per category: Category.is_premoderated.
PREMODERATED_API_CLIENTS = env.list("PREMODERATED_API_CLIENTS", default=[])
FLAG_RATE_LIMIT = env.str("FLAG_RATE_LIMIT", default="20/h")

# Place search: "gazetteer" (offline, our OSM gazetteer) or "nominatim" (geopy, production).
GEOCODER = env.str("GEOCODER", default="gazetteer")
NOMINATIM_DOMAIN = env.str("NOMINATIM_DOMAIN", default="nominatim.openstreetmap.org")
NOMINATIM_SCHEME = env.str("NOMINATIM_SCHEME", default="https")
NOMINATIM_USER_AGENT = env.str("NOMINATIM_USER_AGENT", default="casa-map")
NOMINATIM_TIMEOUT = env.float("NOMINATIM_TIMEOUT", default=5.0)

# Citizens' attachments: at most this many per report, each at most this size (checked while
# reading, whatever the client declares). Django spools larger uploads to disk, not memory.
ATTACHMENTS_PER_COMPLAINT = env.int("ATTACHMENTS_PER_COMPLAINT", default=5)
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# A photo's position is read from its head alone (EXIF sits there); the page sends 128 KB.
PHOTO_HEAD_BYTES = 256 * 1024
# Photos declaring more pixels than this in their header are refused before being decoded
# (a 12-megapixel phone photo is 12,000,000; decoded, each million costs ~3-4 MB of memory).
ATTACHMENT_MAX_PIXELS = env.int("ATTACHMENT_MAX_PIXELS", default=40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# How many proxies of our own stand in front of the site, each appending to X-Forwarded-For
# (casa_map/clients.py). 0: the connection's address is the client's, and the header is ignored.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
# Rate limits, per client (casa_map/limits.py; "count/period", period s, m, h or d): anonymous
# reports whichever interface they come through (web form, REST), supports, flags, sign-ups,
# alert subscriptions.
REPORT_RATE_LIMIT = env.str("REPORT_RATE_LIMIT", default="10/h")
SUPPORT_RATE_LIMIT = env.str("SUPPORT_RATE_LIMIT", default="30/h")
SIGNUP_RATE_LIMIT = env.str("SIGNUP_RATE_LIMIT", default="5/h")
ALERT_RATE_LIMIT = env.str("ALERT_RATE_LIMIT", default="20/h")
# Citizens' updates of a report (issues.views.add_update), per account or client address.
UPDATE_RATE_LIMIT = env.str("UPDATE_RATE_LIMIT", default="10/h")
# PDFs of the planners' report made (not served from the cache) per client: each costs a second
# or two of a worker's time (planning.views.report_pdf).
PLANNING_PDF_RATE_LIMIT = env.str("PLANNING_PDF_RATE_LIMIT", default="20/h")
# Category suggestion (issues.category_suggestion): the report forms preselect the best category
# only when its score (a probability, 0 to 1) reaches this; the citizen may always change it.
CATEGORY_SUGGESTION_THRESHOLD = env.float("CATEGORY_SUGGESTION_THRESHOLD", default=0.4)
# The newest reports the nightly training reads besides the seed corpus.
CATEGORY_SUGGESTION_MAX_REPORTS = env.int("CATEGORY_SUGGESTION_MAX_REPORTS", default=100_000)

# Which complaint dates fall in which contract is decided by routing; SLA promises as Chikaya.ma.
ACKNOWLEDGE_WITHIN_DAYS = env.int("ACKNOWLEDGE_WITHIN_DAYS", default=15)
ANSWER_WITHIN_DAYS = env.int("ANSWER_WITHIN_DAYS", default=60)
REOPEN_WITHIN_DAYS = env.int("REOPEN_WITHIN_DAYS", default=30)

# "Usually answered within N days" (issue #27, issues.answer_times): N is the wait by which this
# share of an authority's reports of a category got their first answer. "Usually" reads as most
# of the time, more than a coin toss: 0.8, so four citizens in five are answered by the date
# shown. Computed from reports received in the last ANSWER_ESTIMATE_HISTORY_DAYS, and shown only
# when the group has at least ANSWER_ESTIMATE_MIN_REPORTS of them (else the authority's figure
# over all categories, else nothing).
ANSWER_ESTIMATE_QUANTILE = env.float("ANSWER_ESTIMATE_QUANTILE", default=0.8)
ANSWER_ESTIMATE_MIN_REPORTS = env.int("ANSWER_ESTIMATE_MIN_REPORTS", default=30)
ANSWER_ESTIMATE_HISTORY_DAYS = env.int("ANSWER_ESTIMATE_HISTORY_DAYS", default=365)

# Recurring problems (issue #27): a new report of a category within RECURRENCE_RADIUS_METRES of a
# report of the same category fixed (resolved) in the last RECURRENCE_WITHIN_WEEKS is flagged
# recurring and linked to it, and the earlier reporter is told.
RECURRENCE_WITHIN_WEEKS = env.int("RECURRENCE_WITHIN_WEEKS", default=8)
RECURRENCE_RADIUS_METRES = env.int("RECURRENCE_RADIUS_METRES", default=50)

# Morocco's law 09-08 on personal data (authority: the CNDP). The information notice on every
# form that collects personal data, the /privacy/ page and the API documentation read these
# (casa_map.privacy). The defaults are placeholders, marked as such, to be set by the city
# before going live.
PRIVACY_CONTROLLER = env.str(
    "PRIVACY_CONTROLLER", default="[TO BE SET / À DÉFINIR] Commune de Casablanca"
)
PRIVACY_CONTROLLER_AR = env.str(
    "PRIVACY_CONTROLLER_AR", default="[يجب تحديده / À DÉFINIR] جماعة الدار البيضاء"
)
PRIVACY_CONTROLLER_ADDRESS = env.str(
    "PRIVACY_CONTROLLER_ADDRESS", default="[TO BE SET / À DÉFINIR / يجب تحديده]"
)
PRIVACY_CONTACT_EMAIL = env.str(
    "PRIVACY_CONTACT_EMAIL", default="donnees-personnelles@casamap.invalid"
)
PRIVACY_CNDP_DECLARATION = env.str(
    "PRIVACY_CNDP_DECLARATION", default="[TO BE SET / À DÉFINIR] D-XXX/2026"
)
# Retention (issues.retention.apply_retention, daily by Celery beat and `manage.py
# apply_retention`), in days after a report is closed (resolved, closed, rejected, duplicate):
# the reporter's contact details erased; the originals of photos (faces and plates not
# blurred) deleted, their blurred public copy kept. Rejected reports are deleted with their
# files RETENTION_REJECTED_DAYS after their rejection.
RETENTION_CONTACT_DAYS = env.int("RETENTION_CONTACT_DAYS", default=365)
RETENTION_PHOTO_ORIGINAL_DAYS = env.int("RETENTION_PHOTO_ORIGINAL_DAYS", default=365)
RETENTION_REJECTED_DAYS = env.int("RETENTION_REJECTED_DAYS", default=365)

# Planners' maps. Complaints in sensitive categories (a noise complaint points at a neighbour)
# are left out of any heat cell holding fewer than PRIVACY_MIN_COUNT of them, and no hotspot is
# smaller than that.
PRIVACY_SENSITIVE_CATEGORIES = env.list("PRIVACY_SENSITIVE_CATEGORIES", default=["noise"])
PRIVACY_MIN_COUNT = env.int("PRIVACY_MIN_COUNT", default=3)
# Everywhere else in public (API, Open311, tracking page, nearby offers, feeds' filters) a
# complaint of a sensitive category shows at the centre of its cell of a grid this wide
# (issues/public_view.py), and place filters apply to that position.
PRIVACY_GRID_METRES = env.int("PRIVACY_GRID_METRES", default=250)
# Hotspots: DBSCAN clusters of at least HOTSPOT_MIN_COUNT complaints within HOTSPOT_METRES.
HOTSPOT_METRES = env.int("HOTSPOT_METRES", default=100)
HOTSPOT_MIN_COUNT = env.int("HOTSPOT_MIN_COUNT", default=5)
# Exact DBSCAN runs on selections of at most HOTSPOT_MAX_COMPLAINTS and is stopped after
# HOTSPOT_TIMEOUT_MS; beyond either, the same rule runs over grid cells (planning.selectors).
HOTSPOT_MAX_COMPLAINTS = env.int("HOTSPOT_MAX_COMPLAINTS", default=50_000)
HOTSPOT_TIMEOUT_MS = env.int("HOTSPOT_TIMEOUT_MS", default=1_500)

# Background work (casa_map/celery.py). No broker: tasks run in this process after the commit
# that queued them (runserver, tests, a one-process install). A broker: workers run them, a
# task is acknowledged only once done (a killed worker's task is delivered again), one at a time.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
if REDIS_SENTINELS:
    CELERY_BROKER_URL = redis_connections.broker_through_sentinels(
        REDIS_SENTINELS, db=env.int("REDIS_BROKER_DB", default=1)
    )
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hold a citizen's request when Redis is down: three quick tries, then the
# owed e-mail waits for the sweeper (issues.tasks.send_owed_emails).
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
if REDIS_SENTINELS:
    CELERY_BROKER_TRANSPORT_OPTIONS |= redis_connections.broker_options_through_sentinels(
        REDIS_SENTINEL_MASTER
    )
# Two queues, so that a citizen's e-mail or SMS never waits behind heavy work: "celery" (e-mails,
# SMS, alerts, digests, retention) and "heavy" (photos' blurred copies, the planners' figures).
# `make serve` runs one worker on both; compose runs a worker per queue (SCALING.md › 6).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_HEAVY_QUEUE = "heavy"
CELERY_TASK_ROUTES = {
    task: {"queue": CELERY_HEAVY_QUEUE}
    for task in (
        "issues.tasks.make_public_copy",
        "issues.tasks.make_missing_public_copies",
        "planning.tasks.warm_planning_figures",
        "issues.tasks.recompute_answer_estimates",
        "issues.tasks.train_category_model",
    )
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "send-owed-emails": {"task": "issues.tasks.send_owed_emails", "schedule": 300.0},
    "make-missing-public-copies": {
        "task": "issues.tasks.make_missing_public_copies",
        "schedule": 300.0,
    },
    "send-overdue-digests": {
        "task": "staff.tasks.send_overdue_digests",
        "schedule": crontab(hour=7, minute=30),
    },
    "warm-planning-figures": {"task": "planning.tasks.warm_planning_figures", "schedule": 600.0},
    "send-alerts": {"task": "alerts.tasks.send_alerts", "schedule": crontab(minute=5)},
    "apply-retention": {
        "task": "issues.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=15),
    },
    "recompute-answer-estimates": {
        "task": "issues.tasks.recompute_answer_estimates",
        "schedule": crontab(hour=4, minute=0),
    },
    "train-category-model": {
        "task": "issues.tasks.train_category_model",
        "schedule": crontab(hour=2, minute=30),
    },
}

# Every handler masks e-mail addresses and phone numbers (casa_map/logs.py); Celery workers keep
# this configuration instead of installing their own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "casa_map.logs.RedactPersonalData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint (the planners' PDF report) tells each step of every document at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Production behind TLS: SECURE_COOKIES=true (cookies over HTTPS only), SECURE_HSTS_SECONDS, and
# SECURE_SSL_REDIRECT; behind a TLS-terminating proxy, TRUST_X_FORWARDED_PROTO=true so Django
# knows the request came in over HTTPS (only if the proxy always sets that header).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]  # probed over plain HTTP inside the deployment
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
