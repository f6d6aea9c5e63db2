"""Where the machine's CPU went during a benchmark's interval, by program, read from /proc (Linux):
gunicorn, the Celery worker, PostgreSQL, Redis, this process (the load generator), and the rest
(the kernel's network work, other programs), as milliseconds per request.

A program's time is that of its live processes plus what its processes have collected from
children that ended (`cutime`, `cstime`): gunicorn workers replaced after `max_requests` and
PostgreSQL backends of closed connections are counted, not lost.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PROGRAMS = ("gunicorn", "celery worker", "postgresql", "redis", "load generator")


def _program(pid: int, name: str, command: str) -> str:
    if pid == os.getpid():
        return "load generator"
    if "gunicorn" in command:
        return "gunicorn"
    if "celery" in command:
        return "celery worker"
    if name.startswith("postgres"):
        return "postgresql"
    if name.startswith("redis"):
        return "redis"
    return "other"


def _processes() -> list[tuple[str, float, float]]:
    """(program, own seconds, seconds of its reaped children) for every process."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat_file:
                stat = stat_file.read()
            with open(f"/proc/{entry}/cmdline", "rb") as command_file:
                command = command_file.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # ended meanwhile
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        own = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        reaped = (int(fields[13]) + int(fields[14])) / CLOCK_TICKS
        found.append((_program(int(entry), name, command), own, reaped))
    return found


def _machine() -> tuple[float, float]:
    """(all CPU seconds, idle seconds) since boot, every core."""
    with open("/proc/stat") as stat_file:
        ticks = [int(value) for value in stat_file.readline().split()[1:]]
    return sum(ticks) / CLOCK_TICKS, (ticks[3] + ticks[4]) / CLOCK_TICKS


@dataclass
class Snapshot:
    by_program: Counter
    machine: float
    idle: float

    @classmethod
    def take(cls) -> Snapshot:
        by_program: Counter = Counter()
        # A process's time is either its own (alive) or in the parent that reaped it, once.
        for program, own, reaped in _processes():
            by_program[program] += own + reaped
        machine, idle = _machine()
        return cls(by_program, machine, idle)


def per_request(before: Snapshot, after: Snapshot, requests: int) -> str:
    """'busy 98 %; ms of CPU per request: gunicorn 5.9, …' between two snapshots."""
    spent = after.machine - before.machine
    busy = spent - (after.idle - before.idle)
    shares = {
        program: after.by_program[program] - before.by_program[program] for program in PROGRAMS
    }
    shares["rest"] = busy - sum(shares.values())
    count = max(requests, 1)
    parts = ", ".join(f"{name} {seconds / count * 1000:.2f}" for name, seconds in shares.items())
    return f"machine busy {busy / spent:4.0%}; ms of CPU per request: {parts}"
