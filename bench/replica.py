"""The streaming replica on `make serve`'s stack (issue #26), with reports being filed:

1. Read-your-writes: with the replica's replay paused, N citizens (each with their own cookies)
   file a JSON report and at once load their tracking page and the public REST list (newest
   first); counted: who saw their own report in both (goal: all N), and in how many of N other
   clients' lists it already showed (expected 0: they read the paused replica).
2. Public reads while reports are filed (filing at c=4 throughout): p50/p95 of the public REST
   list, the public map's points and the heat map at c=8, read from the replica, then with the
   stack restarted with REPLICA=off (everything from the primary), in the same run. Both
   clusters share this machine's two cores: this measures the cost of the routing, not the
   capacity a second machine adds.
3. The replica stopped under load: public lists at c=8 while `scripts/replica.sh stop` runs;
   answers other than 200 (goal 0), the slowest answer, and the time from the stop until /healthz
   says the replica is skipped.

    DATABASE_URL=postgis:///casa_map_load .venv/bin/python -m bench.replica
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.load import ROOT, Level, Stack, prepare_database, run_level


def replica(*args: str) -> str:
    return subprocess.run(
        [str(ROOT / "scripts" / "replica.sh"), *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout.strip()


def on_replica(sql: str) -> str:
    return subprocess.run(
        ["psql", "-X", "-At", "-h", "127.0.0.1", "-p", "5433", "-d", "postgres", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def filing_body(lat: float, lon: float) -> dict:
    return {
        "category": "roads-potholes",
        "title": "[Bench] Nid-de-poule (réplica)",
        "description": "Signalement généré par le benchmark du réplica, pas un vrai.",
        "lat": f"{lat:.6f}",
        "lon": f"{lon:.6f}",
    }


async def newest_references(session: aiohttp.ClientSession, base: str) -> list[str]:
    async with session.get(f"{base}/api/v1/complaints/?page_size=50") as answer:
        body = await answer.json()
    return [feature["properties"]["reference"] for feature in body["features"]]


async def read_your_writes(base: str, points: list, citizens: int) -> None:
    seen_by_filer = shown_to_others = 0
    started = time.monotonic()
    on_replica("SELECT pg_wal_replay_pause()")
    try:
        for number in range(citizens):
            lat, lon = points[number]
            # unsafe=True: keep the cookies of a server named by its address (127.0.0.1).
            async with (
                aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as citizen,
                aiohttp.ClientSession() as other,
            ):
                async with citizen.post(
                    f"{base}/api/v1/complaints/", json=filing_body(lat, lon)
                ) as answer:
                    reference = (await answer.json())["reference"]
                async with citizen.get(f"{base}/track/{reference}/") as page:
                    tracked = page.status == 200 and reference in await page.text()
                listed = reference in await newest_references(citizen, base)
                seen_by_filer += tracked and listed
                shown_to_others += reference in await newest_references(other, base)
    finally:
        on_replica("SELECT pg_wal_replay_resume()")
    print(
        f"  read-your-writes, replay paused: {seen_by_filer}/{citizens} citizens saw their report "
        f"on the tracking page and in the public list at once; "
        f"{shown_to_others}/{citizens} other clients' lists already showed it "
        f"({time.monotonic() - started:.1f} s paused)"
    )


async def reads_under_filing(base: str, points: list, seconds: float) -> dict[str, Level]:
    rng_index = iter(range(10**9))

    async def file(session):
        lat, lon = points[next(rng_index) % len(points)]
        async with session.post(f"{base}/api/v1/complaints/", json=filing_body(lat, lon)) as a:
            await a.read()
            return a.status

    def getter(path: str):
        async def get(session):
            async with session.get(base + path) as answer:
                await answer.read()
                return answer.status

        return get

    results = {}
    for name, path in (
        ("public REST list, page 1", "/api/v1/complaints/"),
        ("public map points, zoom 13", "/api/v1/map/complaints/?zoom=13"),
        ("heat map, zoom 12", "/api/v1/heatmap/?zoom=12"),
    ):
        filing, reads = await asyncio.gather(
            run_level(base, file, False, 4, seconds),
            run_level(base, getter(path), False, 8, seconds),
        )
        results[name] = reads
        print(f"  {name:<28} {reads.line().strip()}   (filings meanwhile: {filing.answered})")
    return results


async def replica_stopped_under_load(base: str, seconds: float) -> None:
    async def get(session):
        async with session.get(f"{base}/api/v1/complaints/") as answer:
            await answer.read()
            return answer.status

    async def health_flip(stopped_at: list[float]) -> float:
        async with aiohttp.ClientSession() as session:
            while not stopped_at:
                await asyncio.sleep(0.01)
            while True:
                async with session.get(f"{base}/healthz") as answer:
                    state = (await answer.json())["checks"]["database_replica"]
                if state.startswith("skipped"):
                    return time.monotonic() - stopped_at[0]
                await asyncio.sleep(0.02)

    async def stop_midway(stopped_at: list[float]) -> None:
        await asyncio.sleep(seconds / 3)
        stopped_at.append(time.monotonic())
        await asyncio.to_thread(replica, "stop")

    stopped_at: list[float] = []
    reads, _, flip = await asyncio.gather(
        run_level(base, get, False, 8, seconds), stop_midway(stopped_at), health_flip(stopped_at)
    )
    failed = {k: v for k, v in reads.outcomes.items() if k != 200}
    print(
        f"  replica stopped a third into {seconds:g} s of public lists at c=8: "
        f"{reads.answered} answered 200, others {failed or 0}, "
        f"slowest {max(reads.latencies):.0f} ms; "
        f"/healthz said 'skipped' {flip * 1000:.0f} ms after the stop began"
    )
    replica("start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--citizens", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--port", type=int, default=8133)
    options = parser.parse_args()

    _references, points = prepare_database(options.open)
    print(replica("start"))
    with tempfile.TemporaryDirectory(prefix="casa-map-replica-") as scratch:
        for replica_mode in ("auto", "off"):
            stack = Stack(options.port, Path(scratch))
            # A bound above the paused stretch: the replica stays in use while it lags.
            stack.env = stack.env | {"REPLICA": replica_mode, "REPLICA_MAX_LAG_SECONDS": "600"}
            stack.start()
            try:
                base = stack.url
                label = "from the replica" if replica_mode == "auto" else "REPLICA=off (primary)"
                print(f"\n{label}:")
                if replica_mode == "auto":
                    asyncio.run(read_your_writes(base, points, options.citizens))
                asyncio.run(reads_under_filing(base, points, options.seconds))
                if replica_mode == "auto":
                    asyncio.run(replica_stopped_under_load(base, options.seconds))
            finally:
                stack.stop()


if __name__ == "__main__":
    main()
