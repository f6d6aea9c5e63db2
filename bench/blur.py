"""Face and plate detection per photo (issue #13): what blurring costs, and what is left of it in
the request now that the worker makes the public copy (issue #11).

Real photographs shipped by scikit-image (the astronaut portrait has a face; coffee, the cat,
the rocket have none), enlarged to 2,048 px on the long side — the size a phone's photo arrives
at after the report page downscales it. Printed per photo: detection alone (`issues.blur.detect`,
on a copy at most 1,024 px); the request's part, `issues.attachments.prepare` (decode, encode the
cleaned photo); the worker's part (decode the stored photo, detect, blur, encode the public copy
and thumbnail: what `issues.photos.make_public_copy` does besides storing); and the floor:
what `prepare` did before blurring (decode, encode the photo and its thumbnail), measured in the
same run.

Run: `make bench-blur` (under a minute).
"""

from __future__ import annotations

import io
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casa_map.settings")

import django  # noqa: E402

django.setup()

import skimage.data  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from PIL import Image  # noqa: E402

from bench.measure import percentiles, timed  # noqa: E402
from issues.attachments import (  # noqa: E402
    MAX_IMAGE_SIDE,
    THUMBNAIL_SIDE,
    _jpeg_bytes,
    prepare,
    public_copies,
    thumbnail_bytes,
)
from issues.blur import detect  # noqa: E402

PHOTOS = ["astronaut", "coffee", "chelsea", "rocket"]
LONG_SIDE = 2048
REPEATS = 10


def phone_sized(name: str) -> bytes:
    image = Image.fromarray(getattr(skimage.data, name)()).convert("RGB")
    scale = LONG_SIDE / max(image.size)
    image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def before_blurring(raw: bytes) -> None:
    """The floor: decode, re-encode at most 2,560 px, and a 480 px thumbnail."""
    image = Image.open(io.BytesIO(raw)).convert("RGB")
    image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    thumbnail = image.copy()
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    _jpeg_bytes(image)
    _jpeg_bytes(thumbnail)


def worker_part(stored: bytes) -> None:
    clean = Image.open(io.BytesIO(stored)).convert("RGB")
    boxes = detect(clean)
    if boxes:
        public_copies(clean, boxes)
    else:  # the stored file is the public copy
        thumbnail_bytes(clean)


def main() -> None:
    print(f"{REPEATS} repeats per photo, each {LONG_SIDE} px on its long side")
    for name in PHOTOS:
        raw = phone_sized(name)
        decoded = Image.open(io.BytesIO(raw)).convert("RGB")
        boxes = detect(decoded)
        stored = prepare(SimpleUploadedFile("p.jpg", raw, "image/jpeg")).content.read()
        floor = timed(lambda raw=raw: before_blurring(raw), REPEATS)
        detection = timed(lambda decoded=decoded: detect(decoded), REPEATS)
        request = timed(
            lambda raw=raw: prepare(SimpleUploadedFile("p.jpg", raw, "image/jpeg")), REPEATS
        )
        worker = timed(lambda stored=stored: worker_part(stored), REPEATS)
        ratio = statistics.median(request) / statistics.median(floor)
        print(f"{name:<10} {decoded.width}×{decoded.height}, {len(boxes)} area(s) blurred")
        print(f"  floor (before blurring)  {percentiles(floor)}")
        print(f"  detection alone          {percentiles(detection)}")
        print(f"  in the request (prepare) {percentiles(request)}   {ratio:.2f}× the floor")
        print(f"  in the worker (copies)   {percentiles(worker)}")


if __name__ == "__main__":
    main()
