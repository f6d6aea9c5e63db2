"""Slow phones against the production stack (issue #26): 64 emulated phones upload a 2 MB photo
at 400 kbit/s each (about 40 s per upload) while fast clients load tracking pages and file JSON
reports. The fast clients' throughput is measured before the phones arrive (the floor, same run)
and while they upload, on `make serve`'s stack with the nginx proxy (PROXY=on) and, for
contrast, with gunicorn facing the clients (PROXY=off). Goal: with the proxy, ≥ 80 % of the
floor.

    DATABASE_URL=postgis:///casa_map_load .venv/bin/python -m bench.slow_clients
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import uuid
from pathlib import Path

from bench.load import (
    SERVE_LOG,
    Stack,
    prepare_database,
    run_level,
    scenarios,
    two_megabyte_photo,
)

PHONE_RATE_BYTES_PER_SECOND = 400_000 // 8
CHUNK_SECONDS = 0.1


def multipart(photo: bytes, lat: float, lon: float) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in {
        "category": "roads-potholes",
        "title": "[Bench] Nid-de-poule (téléphone lent)",
        "description": "Signalement généré par le benchmark des clients lents, pas un vrai.",
        "lat": f"{lat:.6f}",
        "lon": f"{lon:.6f}",
    }.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
        f'filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        + photo
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), boundary


async def slow_phone(port: int, body: bytes, boundary: str, outcomes: list) -> None:
    """One phone on a slow uplink: the request's head at once, then the body at 400 kbit/s."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            (
                f"POST /api/v1/complaints/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        chunk = int(PHONE_RATE_BYTES_PER_SECOND * CHUNK_SECONDS)
        for start in range(0, len(body), chunk):
            writer.write(body[start : start + chunk])
            await writer.drain()
            await asyncio.sleep(CHUNK_SECONDS)
        status = await reader.readline()
        outcomes.append(status.split(b" ")[1].decode() if status else "closed")
        writer.close()
    except (OSError, asyncio.IncompleteReadError) as error:
        outcomes.append(type(error).__name__)


async def fast_clients_during(stack, requests, phones: int, photo, points, seconds, settle):
    """The fast clients' levels measured while `phones` slow uploads are in flight."""
    outcomes: list[str] = []
    tasks = []
    for index in range(phones):
        lat, lon = points[index % len(points)]
        body, boundary = multipart(photo, lat, lon)
        tasks.append(asyncio.create_task(slow_phone(stack.port, body, boundary, outcomes)))
    await asyncio.sleep(settle)  # every phone has connected and is uploading
    levels = {}
    for name, (request, signed_in) in requests.items():
        levels[name] = await run_level(stack.url, request, signed_in, 4, seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return levels


def measure(stack, requests, photo, points, options) -> dict:
    asyncio.run(run_level(stack.url, requests["tracking page"][0], False, 1, 1))  # warm-up
    quiet = {
        name: asyncio.run(run_level(stack.url, request, signed_in, 4, options.seconds))
        for name, (request, signed_in) in requests.items()
    }
    busy = asyncio.run(
        fast_clients_during(
            stack, requests, options.phones, photo, points, options.seconds, options.settle
        )
    )
    result = {}
    for name in requests:
        print(f"  {name}, c=4, without phones: {quiet[name].line().strip()}")
        print(f"  {name}, c=4, {options.phones} phones uploading: {busy[name].line().strip()}")
        share = busy[name].throughput / quiet[name].throughput if quiet[name].throughput else 0
        print(f"    → {share:6.1%} of the same run's throughput without slow phones")
        result[name] = share
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--phones", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--settle", type=float, default=3)
    parser.add_argument("--port", type=int, default=8133)
    options = parser.parse_args()

    references, points = prepare_database(options.open)
    photo = two_megabyte_photo()
    print(
        f"{options.phones} phones × {len(photo) / 1e6:.2f} MB at 400 kbit/s "
        f"(≈ {len(photo) / PHONE_RATE_BYTES_PER_SECOND:.0f} s each); fast clients c=4, "
        f"{options.seconds:g} s per measure"
    )
    shares = {}
    for proxy in ("on", "off"):
        with tempfile.TemporaryDirectory(prefix="casa-map-slow-") as scratch:
            stack = Stack(options.port, Path(scratch))
            stack.env["PROXY"] = proxy
            # Every emulated client shares 127.0.0.1: the proxy's per-address connection cap
            # (32) would refuse them as one client, as the rate limits would (raised likewise).
            stack.env["CASA_CONNECTIONS_PER_CLIENT"] = "1000"
            base = stack.url
            requests = {
                name: value
                for name, value in scenarios(base, references, points, photo).items()
                if name in ("tracking page", "file a report (API, JSON)")
            }
            print(f"PROXY={proxy}: " + ("nginx → gunicorn" if proxy == "on" else "gunicorn alone"))
            stack.start()
            try:
                shares[proxy] = measure(stack, requests, photo, points, options)
            finally:
                stack.stop()
                shutil.copy(Path(scratch) / "serve.log", SERVE_LOG)
    for name in shares["on"]:
        print(
            f"{name}: with the proxy {shares['on'][name]:.0%}, without {shares['off'][name]:.0%} "
            "of the fast clients' throughput without slow phones (goal with the proxy ≥ 80 %)"
        )


if __name__ == "__main__":
    main()
