"""gunicorn settings for `make serve` and the compose `web` service (read from the environment)."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", "1"))
# A request still running after this is killed and answered 500 by nobody: keep it above the
# slowest legitimate request (a city-wide hotspot search stops itself at HOTSPOT_TIMEOUT_MS).
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 20
# The kernel's accept queue. Past OVERLOAD_QUEUE_LENGTH waiting connections the application
# answers 503 at once (casa_map/overload.py), so this is rarely reached.
backlog = int(os.environ.get("WEB_BACKLOG", "256"))
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
# No client address in the access log (law 09-08: an IP address is personal data).
access_log_format = '"%(r)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Hands the listening sockets to the load shedding (casa_map/overload.py)."""
    from casa_map import overload

    overload.watch([listener.sock for listener in worker.sockets])
