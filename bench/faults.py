"""Faults during a filing load (issue #11): the production stack (`scripts/serve.sh`) takes
reports from `--clients` concurrent clients (one in four with a photo, every one with an e-mail
address, so each owes an acknowledgement) while, phase after phase, PostgreSQL is restarted,
Redis is stopped and started again, the media storage fills up, and the worker's processes are
killed mid-task. MEDIA_ROOT is a tmpfs of `--media-mb` mounted for the run (the machine allows
it: root in a VM); "full" means a filler file written until the kernel answers ENOSPC.

After recovery the bench runs the sweepers (what beat does every 5 minutes) until no e-mail is
owed and every photo has its blurred public copy, then prints: reports answered 201, reports in
the database, reports whose photo (original, public copy, thumbnail) is on disk, and e-mails
sent, with what each failed request was answered. The promise: the first three match exactly (a
request the client gave up on is counted apart), and every owed e-mail is sent exactly once.

This restarts the machine's PostgreSQL and Redis: run it alone.

    DATABASE_URL=postgis:///casa_map_load .venv/bin/python -m bench.faults
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# This process publishes the sweeper's tasks to the stack's broker.
os.environ["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/5"

import argparse  # noqa: E402
import asyncio  # noqa: E402
import io  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from datetime import timedelta  # noqa: E402

import aiohttp  # noqa: E402
import redis  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image  # noqa: E402

from bench.load import Stack, prepare_database  # noqa: E402
from issues import notifications  # noqa: E402
from issues.models import Attachment, Complaint, OwedEmail  # noqa: E402
from issues.photos import photos_without_public_copy  # noqa: E402
from issues.tasks import make_public_copy, send_owed_email  # noqa: E402

CELERY_QUEUE = "celery"  # Celery's default queue: a Redis list of that name

MARKER = "[Bench-faults]"
SERVE_LOG = Path(tempfile.gettempdir()) / "casa-map-faults-serve.log"


def small_photo() -> bytes:
    """About 300 KB: a phone photo after the browser scaled it down."""
    rng = random.Random(11)
    image = Image.frombytes("RGB", (420, 420), rng.randbytes(420 * 420 * 3))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def sh(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=120)


class Faults:
    def __init__(self, media: Path, stack: Stack):
        self.media = media
        self.stack = stack
        self.filler = media / "filler.bin"

    def restart_postgresql(self) -> None:
        sh("pg_ctlcluster", "15", "main", "restart")

    def stop_redis(self) -> None:
        sh("redis-cli", "shutdown", "nosave")

    def start_redis(self) -> None:
        """As this machine runs it: in memory only, nothing saved to disk."""
        if subprocess.run(["redis-cli", "ping"], capture_output=True).returncode == 0:
            return
        sh(
            "redis-server", "--bind", "127.0.0.1", "--port", "6379", "--save", "",
            "--appendonly", "no", "--daemonize", "yes", "--logfile", "/tmp/casa-map-redis.log",
        )  # fmt: skip
        for _ in range(50):
            if subprocess.run(["redis-cli", "ping"], capture_output=True).stdout.strip() == b"PONG":
                return
            time.sleep(0.2)

    def fill_media(self) -> None:
        with open(self.filler, "wb") as filler:
            block = b"\0" * (1 << 20)
            try:
                while True:
                    filler.write(block)
                    filler.flush()
            except OSError:
                pass

    def free_media(self) -> None:
        self.filler.unlink(missing_ok=True)

    def kill_worker_processes(self) -> int:
        """SIGKILL to the Celery worker's pool processes (the tasks they run are redelivered:
        acks_late); the worker's main process starts new ones."""
        main = subprocess.run(
            ["pgrep", "-f", "celery -A casa_map worker", "-s", str(self.stack.process.pid)],
            capture_output=True,
            text=True,
        ).stdout.split()
        children = []
        for pid in main:
            children += subprocess.run(
                ["pgrep", "-P", pid], capture_output=True, text=True
            ).stdout.split()
        for pid in children:
            os.kill(int(pid), signal.SIGKILL)
        return len(children)


class Load:
    """Clients filing reports until stopped; every answer kept."""

    def __init__(self, base: str, points: list, photo: bytes, clients: int):
        self.base = base
        self.points = points
        self.photo = photo
        self.clients = clients
        self.answers: Counter = Counter()
        self.answered_by_phase: dict[str, Counter] = {}
        self.received: list[tuple[str, bool]] = []  # (reference, with photo)
        self.gave_up = 0
        self.phase = "steady"
        self.stopped = asyncio.Event()

    async def client(self, number: int) -> None:
        rng = random.Random(number)
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            sent = 0
            while not self.stopped.is_set():
                lat, lon = rng.choice(self.points)
                with_photo = sent % 4 == 0
                sent += 1
                form = aiohttp.FormData(
                    {
                        "category": "roads-potholes",
                        "title": f"{MARKER} Nid-de-poule",
                        "description": "Signalement généré par le banc de pannes.",
                        "lat": f"{lat:.6f}",
                        "lon": f"{lon:.6f}",
                        "contact_email": f"citoyen{number}@example.org",
                    }
                )
                if with_photo:
                    form.add_field(
                        "attachments", self.photo, filename="p.jpg", content_type="image/jpeg"
                    )
                phase = self.phase
                try:
                    async with session.post(f"{self.base}/api/v1/complaints/", data=form) as r:
                        body = await r.json(content_type=None) if r.status < 600 else {}
                        status = r.status
                except (TimeoutError, aiohttp.ClientError):
                    self.gave_up += 1
                    status = "no answer"
                    await asyncio.sleep(0.2)
                else:
                    if status == 201:
                        self.received.append((body["reference"], with_photo))
                    elif status >= 500:
                        await asyncio.sleep(0.2)  # as a client told to retry later would
                self.answers[status] += 1
                self.answered_by_phase.setdefault(phase, Counter())[status] += 1

    async def run(self, plan) -> None:
        clients = [asyncio.create_task(self.client(n)) for n in range(self.clients)]
        loop = asyncio.get_running_loop()
        for phase, start, end, seconds in plan:
            self.phase = phase
            if start:
                await loop.run_in_executor(None, start)
            await asyncio.sleep(seconds)
            if end:
                await loop.run_in_executor(None, end)
        self.stopped.set()
        await asyncio.gather(*clients)


def sweep_until_done(since, limit_seconds: float = 600) -> float:
    """The sweepers' work (issues.tasks.send_owed_emails and make_missing_public_copies) at once
    rather than after their 5 minutes, again until nothing is owed or missing. What is still
    missing is handed over again only once the worker has taken everything handed over before
    (the broker's queue is empty): re-queuing it every few seconds buried the worker under
    duplicates (each cheap, but tens of thousands)."""
    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    started = time.monotonic()
    while time.monotonic() - started < limit_seconds:
        connection.close()
        owed = notifications.owed_keys(older_than=timedelta(0))
        photos = photos_without_public_copy(older_than=timedelta(0), received_since=since)
        if not owed and not photos:
            break
        if broker.llen(CELERY_QUEUE) == 0:
            for key in owed:
                send_owed_email.delay(key)
            for attachment_id in photos:
                make_public_copy.delay(attachment_id)
        time.sleep(2)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--phase-seconds", type=float, default=10)
    parser.add_argument("--media-mb", type=int, default=1024)
    parser.add_argument("--port", type=int, default=8124)
    options = parser.parse_args()

    _references, points = prepare_database(options.open)
    started_at = timezone.now() - timedelta(seconds=1)
    with tempfile.TemporaryDirectory(prefix="casa-map-faults-") as scratch:
        workdir = Path(scratch)
        media = workdir / "media"
        media.mkdir()
        sh("mount", "-t", "tmpfs", "-o", f"size={options.media_mb}m", "tmpfs", str(media))
        stack = Stack(options.port, workdir)
        faults = Faults(media, stack)
        try:
            stack.start()
            load = Load(stack.url, points, small_photo(), options.clients)
            s = options.phase_seconds
            plan = [
                ("steady", None, None, s),
                ("PostgreSQL restarted", faults.restart_postgresql, None, s),
                ("Redis stopped", faults.stop_redis, faults.start_redis, s),
                ("after Redis", None, None, s),
                ("media storage full", faults.fill_media, faults.free_media, s),
                ("worker processes killed", faults.kill_worker_processes, None, s),
                ("recovered", None, None, s),
            ]
            asyncio.run(load.run(plan))
            swept = sweep_until_done(since=started_at)
            time.sleep(3)
            report(load, started_at, media, workdir / "sent", swept)
        finally:
            stack.stop()
            shutil.copy(workdir / "serve.log", SERVE_LOG)
            print(f"(the stack's log: {SERVE_LOG})")
            faults.free_media()
            faults.start_redis()
            subprocess.run(["umount", str(media)], check=False)


def report(load: Load, since, media: Path, sent_dir: Path, swept: float) -> None:
    connection.close()
    stored = Complaint.objects.filter(title__startswith=MARKER, created_at__gte=since)
    references_stored = set(stored.values_list("reference", flat=True))
    answered = {reference for reference, _ in load.received}
    with_photo = {reference for reference, photo in load.received if photo}
    photos_on_disk = 0
    for attachment in Attachment.objects.filter(complaint__in=stored).select_related("complaint"):
        if attachment.complaint.reference in with_photo and all(
            field and (media / field.name).exists()
            for field in (attachment.file, attachment.public_file, attachment.thumbnail)
        ):
            photos_on_disk += 1
    owed = OwedEmail.objects.filter(created_at__gte=since)
    # The file backend appends messages sent within the same second to one file, each followed
    # by a line of 79 dashes.
    messages = [
        message
        for path in sorted(sent_dir.glob("*.log"))
        for message in path.read_text(errors="replace").split("-" * 79 + "\n")
        if message.strip()
    ]
    message_ids = Counter(
        line.split(":", 1)[1].strip()
        for message in messages
        for line in message.splitlines()
        if line.startswith("Message-ID:")
    )
    mentions = Counter(
        reference for reference in references_stored for text in messages if reference in text
    )
    print("answers per phase:")
    for phase, answers in load.answered_by_phase.items():
        print(f"  {phase:<26} {dict(answers)}")
    print(f"requests the client gave up on (timeout, connection): {load.gave_up}")
    print(f"reports answered 201:                      {len(answered):6d}")
    print(f"reports in the database:                   {len(references_stored):6d}")
    print(
        f"  answered and stored: {len(answered & references_stored)}, answered but missing: "
        f"{len(answered - references_stored)}, stored without a 201 answer: "
        f"{len(references_stored - answered)}"
    )
    print(f"reports answered with a photo:             {len(with_photo):6d}")
    print(f"  of them with photo, public copy and thumbnail on disk: {photos_on_disk:6d}")
    print(
        f"e-mails owed: {owed.count()}, marked sent: {owed.filter(sent_at__isnull=False).count()}"
        f", still owed: {owed.filter(sent_at__isnull=True).count()} (sweeps took {swept:.0f} s)"
    )
    print(
        f"e-mails written by the worker: {len(messages)}, distinct Message-IDs: "
        f"{len(message_ids)}, delivered twice (same Message-ID): "
        f"{sum(1 for n in message_ids.values() if n > 1)}"
    )
    print(f"reports whose acknowledgement went out: {len(mentions)} of {len(references_stored)}")


if __name__ == "__main__":
    main()
