"""Timing helpers shared by the benchmarks: repeat, then report percentiles in milliseconds."""

from __future__ import annotations

import statistics
import time


def timed(work, repeats: int) -> list[float]:
    """Milliseconds of `repeats` calls of `work`, after one warm-up call."""
    work()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentiles(samples: list[float]) -> str:
    p95 = statistics.quantiles(samples, n=20)[18]
    return f"p50 {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms"


def bare(sql: str, params=()):
    """A floor: the statement run with a cursor, results fetched, nothing else."""
    from django.db import connection  # the benchmarks set Django up before timing

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return run
