"""The repository's nginx configuration, run for real (scripts/proxy.sh) in front of a small
recording upstream that stands in for gunicorn: what reaches the application, and when."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, what: str, limit: float = 20.0) -> None:
    """Polls until `condition()`; the limit only bounds a broken run, it is never the point."""
    give_up = time.monotonic() + limit
    while not condition():
        if time.monotonic() > give_up:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


@dataclass
class Upstream:
    """What the application saw: one entry per request that reached it."""

    seen: list[dict] = field(default_factory=list)
    in_flight: int = 0
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handler(self):
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                self.answer()

            def do_POST(self):
                self.answer()

            def answer(self):
                # Recorded as soon as the request's head arrives, before its body is read: an
                # unbuffered proxy would show here while the client is still uploading.
                seen = {"path": self.path, "headers": dict(self.headers), "body": None}
                with upstream.lock:
                    upstream.seen.append(seen)
                    upstream.in_flight += 1
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen["body"] = len(body)
                try:
                    if self.path.startswith("/hold"):
                        upstream.release.wait(30)
                    if self.path.startswith("/accel"):
                        self.send_response(200)
                        self.send_header("Content-Type", "text/plain")
                        self.send_header("Cache-Control", "private, no-store")
                        self.send_header("X-Accel-Redirect", "/_protected_media/photos/note.txt")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    payload = json.dumps(
                        {"headers": dict(self.headers), "body": len(body), "pad": "x" * 2000}
                    ).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                finally:
                    with upstream.lock:
                        upstream.in_flight -= 1

        return Handler


@dataclass
class Proxy:
    url: str
    port: int
    upstream: Upstream
    static_root: Path
    media_root: Path


def start_proxy(tmp_path: Path, **settings: str):
    """nginx from deploy/nginx/nginx.conf.template in front of a recording upstream; a
    generator for a fixture (yields the Proxy, stops both)."""
    upstream = Upstream()
    server = ThreadingHTTPServer(("127.0.0.1", 0), upstream.handler())
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()

    static_root, media_root = tmp_path / "static", tmp_path / "media"
    (static_root / "css").mkdir(parents=True)
    (static_root / "css" / "site.0123456789ab.css").write_text("body{color:#111}" * 100)
    (static_root / "css" / "site.css").write_text("body{color:#111}" * 100)
    (media_root / "photos").mkdir(parents=True)
    (media_root / "photos" / "note.txt").write_text("the file's bytes")

    port = free_port()
    env = (
        os.environ
        | {
            "CASA_LISTEN": f"127.0.0.1:{port}",
            "CASA_UPSTREAM": f"127.0.0.1:{server.server_address[1]}",
            "CASA_RUN_DIR": str(tmp_path / "run"),
            "CASA_STATIC_ROOT": str(static_root),
            "CASA_MEDIA_ROOT": str(media_root),
        }
        | settings
    )
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "proxy.sh"), "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def serving() -> bool:
        """Ready when nginx answers a request itself (a static file: the upstream is not asked);
        a bare TCP connect can land before the workers serve."""
        if process.poll() is not None:
            raise AssertionError(f"nginx stopped: {process.stderr.read().decode()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/site.css", timeout=5):
                return True
        except OSError:
            return False

    wait_until(serving, "nginx serving")
    try:
        yield Proxy(f"http://127.0.0.1:{port}", port, upstream, static_root, media_root)
    finally:
        upstream.release.set()
        process.terminate()
        process.wait(10)
        server.shutdown()
