"""Load on the production stack (issue #11): `scripts/serve.sh` — gunicorn with DEBUG=false, the
Redis cache and broker, whitenoise, a Celery worker and beat — started on its own port, then an
asyncio client (aiohttp) keeps N requests in flight for `--seconds` at each concurrency in
`--levels`, per scenario: filing a report through the API without and with a 2 MB photo, a
tracking page, the public map, the heat map, the staff queue page (signed in). The floor, in the
same run and on the same gunicorn: /livez, a bare Django JSON view.

Prints throughput (requests answered with success per second), p50/p95/p99 and what failed
(HTTP status, timeout, refused connection) per level, where the machine's CPU went per request
(gunicorn, PostgreSQL, Redis, the worker, the load generator, the rest: bench/cpu.py), the
latency of the requests shed with a 503 above saturation (casa_map/overload.py; the last level,
256, is past it), reports stored against 201s answered, and filing's throughput as a share of
the floor's. Filing with a photo comes last
(the worker blurs the photos after the answers, on the same cores), and the public copies the
worker still had to make when the load stopped are counted.
The rate limits are raised for the run (one client address sends everything); nothing else
differs from production settings.

    DATABASE_URL=postgis:///casa_map_load .venv/bin/python -m bench.load
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casa_map.settings")

import django  # noqa: E402

django.setup()

import aiohttp  # noqa: E402
import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image  # noqa: E402
from yarl import URL  # noqa: E402

from bench import cpu  # noqa: E402
from bench.complaints import top_up_open  # noqa: E402
from bench.durable_floor import ensure_table as ensure_durable_floor_table  # noqa: E402
from districts.models import Authority, StaffMembership  # noqa: E402
from districts.selectors import random_points_in_city  # noqa: E402
from issues.models import Attachment, Complaint  # noqa: E402
from issues.photos import photos_without_public_copy  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
AGENT = "bench.agent.anfa@example.org"
AGENT_PASSWORD = "bench-load-password-1"
UNLIMITED = "1000000000/h"
# The API's limits (DRF) keep each client's recent requests in the cache for the rate's period:
# a period of one second keeps that history as short as a citizen's under 20 an hour, where an
# hour would make every request read and write the run's whole history.
UNLIMITED_PER_SECOND = "1000000000/s"
SERVE_LOG = Path(tempfile.gettempdir()) / "casa-map-load-serve.log"


@dataclass
class Level:
    concurrency: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    shed_latencies: list[float] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)

    @property
    def answered(self) -> int:
        return sum(n for outcome, n in self.outcomes.items() if str(outcome).startswith("2"))

    @property
    def requests(self) -> int:
        return sum(self.outcomes.values())

    @property
    def throughput(self) -> float:
        """Requests answered with success per second (a shed request is not throughput)."""
        return self.answered / self.seconds

    def line(self) -> str:
        failed = {k: v for k, v in self.outcomes.items() if not str(k).startswith("2")}
        text = (
            f"  c={self.concurrency:<4} {self.throughput:8.1f} ok/s   {_cuts(self.latencies)}   "
            f"ok {self.answered:6d}   failed {dict(failed) or 0}"
        )
        if self.shed_latencies:
            text += f"\n         shed (503) answered in {_cuts(self.shed_latencies)}"
        return text


def _cuts(latencies: list[float]) -> str:
    ordered = sorted(latencies) or [0.0]
    cuts = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else ordered * 99
    return f"p50 {cuts[49]:8.1f} ms   p95 {cuts[94]:8.1f} ms   p99 {cuts[98]:8.1f} ms"


def two_megabyte_photo() -> bytes:
    """A JPEG of noise (which does not compress) of about 2 MB, like a phone photo."""
    rng = random.Random(7)
    side = 1100
    while True:
        image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=90)
        if out.tell() >= 2_000_000:
            return out.getvalue()
        side += 100


def prepare_database(open_target: int) -> tuple[list[str], list]:
    top_up_open(open_target, seed=5)
    anfa = Authority.objects.get(slug="anfa")
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username=AGENT, defaults={"email": AGENT})
    user.set_password(AGENT_PASSWORD)
    user.save()
    StaffMembership.objects.get_or_create(user=user, defaults={"authority": anfa})
    references = list(Complaint.objects.order_by("-id").values_list("reference", flat=True)[:2000])
    points = [(p.y, p.x) for p in random_points_in_city(5000, seed=17)]
    connection.close()
    return references, points


class Stack:
    """scripts/serve.sh in its own process group, on a scratch media folder and Redis dbs."""

    def __init__(self, port: int, workdir: Path):
        self.port = port
        self.workdir = workdir
        self.env = os.environ | {
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "MEDIA_ROOT": str(workdir / "media"),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(workdir / "sent"),
            "CACHE_URL": "redis://127.0.0.1:6379/4",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/5",
            "REPORT_RATE_LIMIT": UNLIMITED,
            "API_ANONYMOUS_WRITE_RATE": UNLIMITED_PER_SECOND,
            "API_AUTHENTICATED_WRITE_RATE": UNLIMITED_PER_SECOND,
            "SEED_DEMO_COMPLAINTS": "false",
            "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "5"),
            "BENCH_DURABLE_FLOOR": "true",
        }
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        for db in (4, 5):
            redis.Redis(db=db).flushdb()
        self.process = subprocess.Popen(
            ["scripts/serve.sh"],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.workdir / "serve.log", "w"),  # noqa: SIM115 - kept for the run
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.wait_healthy()
        except SystemExit:
            self.stop()
            shutil.copy(self.workdir / "serve.log", SERVE_LOG)
            raise

    def wait_healthy(self, timeout: float = 180) -> None:
        give_up = time.monotonic() + timeout
        while time.monotonic() < give_up:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=3) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"the stack did not become healthy; see {SERVE_LOG}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


async def signed_in_session(base: str, **options) -> aiohttp.ClientSession:
    # unsafe=True: keep cookies of a server named by its IP address (127.0.0.1).
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), **options)
    async with session.get(f"{base}/accounts/login/") as page:
        await page.read()
    token = session.cookie_jar.filter_cookies(URL(base)).get("csrftoken").value
    async with session.post(
        f"{base}/accounts/login/",
        data={"username": AGENT, "password": AGENT_PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
    ) as answer:
        if answer.status != 302:
            raise SystemExit(f"the bench agent could not sign in ({answer.status})")
    return session


def scenarios(base: str, references: list[str], points: list, photo: bytes) -> dict:
    rng = random.Random(3)

    def report_fields() -> dict:
        lat, lon = rng.choice(points)
        return {
            "category": "roads-potholes",
            "title": "[Bench] Nid-de-poule",
            "description": "Signalement généré par le benchmark de charge, pas un vrai.",
            "lat": f"{lat:.6f}",
            "lon": f"{lon:.6f}",
        }

    async def file(session):
        async with session.post(f"{base}/api/v1/complaints/", json=report_fields()) as answer:
            await answer.read()
            return answer.status

    async def durable_floor(session):
        async with session.post(f"{base}/_bench/durable-floor", json=report_fields()) as answer:
            await answer.read()
            return answer.status

    async def file_with_photo(session):
        form = aiohttp.FormData(report_fields())
        form.add_field("attachments", photo, filename="photo.jpg", content_type="image/jpeg")
        async with session.post(f"{base}/api/v1/complaints/", data=form) as answer:
            await answer.read()
            return answer.status

    def getter(path_of):
        async def get(session):
            async with session.get(base + path_of()) as answer:
                await answer.read()
                return answer.status

        return get

    return {
        "floor: /livez (bare Django JSON view)": (getter(lambda: "/livez"), False),
        # What a report cannot do without: route one point, insert one row, commit.
        "durable floor: route + insert + commit (bare Django view)": (durable_floor, False),
        "file a report (API, JSON)": (file, False),
        "tracking page": (getter(lambda: f"/track/{rng.choice(references)}/"), False),
        "public map, city zoom 13": (getter(lambda: "/api/v1/map/complaints/?zoom=13"), False),
        "heat map, city zoom 12": (getter(lambda: "/api/v1/heatmap/?zoom=12"), False),
        "staff queue page (signed in)": (getter(lambda: "/staff/"), True),
        # Last: the worker's blurring of these photos would compete with the scenarios after.
        "file a report with a 2 MB photo (API, multipart)": (file_with_photo, False),
    }


async def run_level(base, request, signed_in, concurrency, seconds) -> Level:
    level = Level(concurrency, seconds)
    options = {
        "timeout": aiohttp.ClientTimeout(total=30),
        # One connection per worker, as many browsers would open.
        "connector": aiohttp.TCPConnector(limit=concurrency),
    }
    if signed_in:
        session = await signed_in_session(base, **options)
    else:
        session = aiohttp.ClientSession(**options)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds

    async def worker():
        while loop.time() < deadline:
            started = time.perf_counter()
            try:
                outcome = await request(session)
            except TimeoutError:
                outcome = "timeout"
            except aiohttp.ClientConnectionError:
                outcome = "connection refused/reset"
            elapsed = (time.perf_counter() - started) * 1000
            (level.shed_latencies if outcome == 503 else level.latencies).append(elapsed)
            level.outcomes[outcome] += 1

    try:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    finally:
        await session.close()
    return level


def public_copies_backlog(since) -> None:
    """The worker makes the photos' blurred copies after the answers (issues.tasks): how many it
    still had to make when the load stopped (bench/blur.py times one)."""
    pending = photos_without_public_copy(older_than=timedelta(0), received_since=since)
    filed = Attachment.objects.filter(kind=Attachment.Kind.IMAGE, created_at__gte=since).count()
    print(f"  public copies still to make when the load stopped: {len(pending)} of {filed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--levels", default="1,4,16,64,256")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument(
        "--only", default="", help="run only the scenarios whose names contain one of these words"
    )
    options = parser.parse_args()
    levels = [int(level) for level in options.levels.split(",")]

    references, points = prepare_database(options.open)
    ensure_durable_floor_table()
    started_at = timezone.now()
    photo = two_megabyte_photo()
    print(
        f"database: {settings.DATABASES['default']['NAME']}, "
        f"{len(references):,} tracking codes sampled; photo {len(photo) / 1e6:.2f} MB; "
        f"{options.seconds:g} s per level, levels {levels}"
    )
    with tempfile.TemporaryDirectory(prefix="casa-map-load-") as scratch:
        stack = Stack(options.port, Path(scratch))
        stack.start()
        try:
            floor: dict[int, float] = {}
            durable_floor: dict[int, float] = {}
            wanted = [word for word in options.only.split(",") if word]
            for name, (request, signed_in) in scenarios(
                stack.url, references, points, photo
            ).items():
                if wanted and not any(word in name for word in wanted):
                    continue
                print(name)
                asyncio.run(run_level(stack.url, request, signed_in, 1, 1))  # warm-up, unshown
                for concurrency in levels:
                    stored_before = Complaint.objects.count()
                    cpu_before = cpu.Snapshot.take()
                    level = asyncio.run(
                        run_level(stack.url, request, signed_in, concurrency, options.seconds)
                    )
                    spent = cpu.per_request(cpu_before, cpu.Snapshot.take(), level.requests)
                    print(level.line())
                    print(f"         {spent}")
                    if name.startswith("file"):
                        stored = Complaint.objects.count() - stored_before
                        print(
                            f"         reports stored {stored}, answered 201 {level.outcomes[201]}"
                        )
                    if name.startswith("floor"):
                        floor[concurrency] = level.throughput
                    elif name.startswith("durable floor"):
                        durable_floor[concurrency] = level.throughput
                    elif name.startswith("file"):
                        for label, floors in (("floor", floor), ("durable floor", durable_floor)):
                            base_rate = floors[concurrency]
                            share = level.throughput / base_rate if base_rate else 0
                            print(f"         {share:6.1%} of the {label}'s at c={concurrency}")
        finally:
            public_copies_backlog(since=started_at)
            stack.stop()
            shutil.copy(Path(scratch) / "serve.log", SERVE_LOG)
            print(f"(the stack's log: {SERVE_LOG})")


if __name__ == "__main__":
    main()
