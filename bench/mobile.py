"""A phone on a slow network (issue #14): the report page's weight and the times a citizen waits,
in Debian's Chromium driven by Playwright against the production stack (`scripts/serve.sh`:
gunicorn, DEBUG=false, whitenoise's compressed static files, gzip for pages and answers).

Network: Chromium's emulation with Puppeteer's "Slow 3G" preset (400 kbit/s each way, 2,000 ms
added latency); then the same with the CPU slowed 4× (a low-end phone). Printed:
- the first load of /report/ with an empty cache (HTML, CSS, JS, the boundaries; map tiles are
  blocked and not counted): bytes on the wire by kind, against the 250 KB goal;
- time until the page is usable — the place search and the form painted with their styles and
  working (they work without scripts: the search lists places from the server and a chosen place
  sets the pin), i.e. the later of the whole HTML's arrival and the first contentful paint — next
  to the floor: a bare Django view (/livez) loaded under the same network; goal ≤ 1.5× the floor
  (issue #23). Also the time the map is ready (boundaries drawn: `casa-map:report-ready`);
- time to send a report with one 12-megapixel phone photo (noise: it compresses badly), from the
  click on "send" to the confirmation page, the bytes uploaded, and the floor: those bytes at the
  link's speed plus one round trip; and what sending the original photo would have cost.

Run: `make bench-mobile` (about 5 minutes here).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casa_map.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from bench.load import Stack  # noqa: E402
from issues.models import Complaint  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

SLOW_3G = {
    "offline": False,
    "downloadThroughput": 500 * 1000 / 8 * 0.8,  # bytes per second
    "uploadThroughput": 500 * 1000 / 8 * 0.8,
    "latency": 400 * 5,  # milliseconds
}
PAGE_WEIGHT_GOAL = 250 * 1000


def phone_photo(path: Path) -> int:
    image = Image.merge("RGB", [Image.effect_noise((4000, 3000), 90) for _ in range(3)])
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    path.write_bytes(buffer.getvalue())
    return len(buffer.getvalue())


def throttled_page(browser, *, cpu_slowdown: int):
    context = browser.new_context(locale="fr-FR", viewport={"width": 412, "height": 915})
    context.route("https://*.tile.openstreetmap.org/**", lambda route: route.abort())
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    if cpu_slowdown > 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
    page.cdp = cdp
    return context, page


def first_load(browser, base: str, *, cpu_slowdown: int) -> dict:
    context, page = throttled_page(browser, cpu_slowdown=cpu_slowdown)
    kinds: dict[str, str] = {}
    weights: Counter = Counter()
    page.cdp.on(
        "Network.responseReceived", lambda event: kinds.update({event["requestId"]: event["type"]})
    )
    page.cdp.on(
        "Network.loadingFinished",
        lambda event: weights.update(
            {kinds.get(event["requestId"], "Other"): event["encodedDataLength"]}
        ),
    )
    page.goto(base + "/report/", wait_until="load", timeout=300_000)
    page.wait_for_function(
        "() => performance.getEntriesByName('casa-map:report-ready').length > 0",
        timeout=300_000,
    )
    timings = page.evaluate(
        """() => ({
            mapReady: performance.getEntriesByName('casa-map:report-ready')[0].startTime,
            paint: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,
            html: performance.getEntriesByType('navigation')[0].responseEnd,
            loaded: performance.getEntriesByType('navigation')[0].loadEventEnd,
        })"""
    )
    timings["usable"] = max(timings["html"], timings["paint"])
    context.close()
    return {
        "weights": dict(weights),
        **timings,
        "floor": bare_view_time(browser, base, cpu_slowdown),
    }


def bare_view_time(browser, base: str, cpu_slowdown: int) -> float:
    """The floor: milliseconds until a bare Django view (/livez) has arrived, in a new context
    under the same emulation (connection set-up and one request)."""
    context, page = throttled_page(browser, cpu_slowdown=cpu_slowdown)
    page.goto(base + "/livez", wait_until="load", timeout=300_000)
    arrived = page.evaluate("() => performance.getEntriesByType('navigation')[0].responseEnd")
    context.close()
    return arrived


def send_with_photo(browser, base: str, photo: Path, *, cpu_slowdown: int) -> dict:
    context, page = throttled_page(browser, cpu_slowdown=cpu_slowdown)
    uploaded = []
    page.on(
        "request",
        lambda request: (
            uploaded.append(len(request.post_data_buffer or b""))
            if request.method == "POST" and request.url.endswith("/report/")
            else None
        ),
    )
    page.goto(base + "/report/", timeout=300_000)
    page.wait_for_function(
        "() => performance.getEntriesByName('casa-map:report-ready').length > 0",
        timeout=300_000,
    )
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator("#pin-where").filter(has_text="Arrondissement").wait_for(timeout=300_000)
    page.select_option("select[name=category]", "roads-potholes")
    page.fill("input[name=title]", "Nid-de-poule (banc d'essai)")
    page.fill("textarea[name=description]", "Signalement du banc d'essai bench/mobile.py.")
    page.set_input_files("input[name=attachments]", str(photo))
    page.wait_for_load_state("networkidle", timeout=300_000)  # the photo's head went for its GPS
    started = time.perf_counter()
    page.click("#send-report")
    page.wait_for_url("**/sent/", wait_until="load", timeout=600_000)
    seconds = time.perf_counter() - started
    reference = page.locator("[data-testid=reference]").inner_text()
    context.close()
    complaint = Complaint.objects.get(reference=reference)
    return {
        "seconds": seconds,
        "uploaded": max(uploaded),
        "stored_photos": complaint.attachments.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8124)
    options = parser.parse_args()
    bandwidth = SLOW_3G["downloadThroughput"]
    rtt = SLOW_3G["latency"] / 1000
    with tempfile.TemporaryDirectory(prefix="casa-map-mobile-") as scratch:
        photo = Path(scratch) / "phone.jpg"
        photo_bytes = phone_photo(photo)
        stack = Stack(options.port, Path(scratch))
        stack.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                print(
                    f"Slow 3G: {bandwidth * 8 / 1000:.0f} kbit/s each way, "
                    f"{SLOW_3G['latency']} ms latency; photo {photo_bytes / 1e6:.1f} MB, 4000×3000"
                )
                for slowdown in (1, 4):
                    label = "network only" if slowdown == 1 else f"network + CPU ÷{slowdown}"
                    load = first_load(browser, stack.url, cpu_slowdown=slowdown)
                    total = sum(load["weights"].values())
                    kinds = ", ".join(
                        f"{kind} {size / 1000:.1f}"
                        for kind, size in sorted(load["weights"].items())
                    )
                    print(f"[{label}] /report/ first load, empty cache")
                    verdict = "met" if total <= PAGE_WEIGHT_GOAL else "NOT met"
                    print(
                        f"  on the wire: {total / 1000:.1f} KB ({kinds} KB) — goal ≤ "
                        f"{PAGE_WEIGHT_GOAL / 1000:.0f} KB: {verdict}"
                    )
                    ratio = load["usable"] / load["floor"]
                    print(
                        f"  HTML in {load['html'] / 1000:.1f} s, first paint "
                        f"{load['paint'] / 1000:.1f} s → search and form usable "
                        f"{load['usable'] / 1000:.1f} s; floor (bare /livez) "
                        f"{load['floor'] / 1000:.1f} s → usable = {ratio:.2f}× the floor "
                        f"(goal ≤ 1.5×: {'met' if ratio <= 1.5 else 'NOT met'}); map ready "
                        f"(boundaries drawn) {load['mapReady'] / 1000:.1f} s, load event "
                        f"{load['loaded'] / 1000:.1f} s"
                    )
                    sent = send_with_photo(browser, stack.url, photo, cpu_slowdown=slowdown)
                    floor = sent["uploaded"] / bandwidth + rtt
                    print(
                        f"  send with one photo: {sent['seconds']:.1f} s, "
                        f"{sent['uploaded'] / 1e6:.2f} MB uploaded "
                        f"({sent['stored_photos']} photo stored); floor {floor:.1f} s "
                        f"(those bytes at the link's speed + 1 round trip) → "
                        f"{sent['seconds'] / floor:.2f}× the floor; the original photo would "
                        f"take ≥ {photo_bytes / bandwidth:.0f} s (and is over the 10 MB limit)"
                    )
                browser.close()
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
