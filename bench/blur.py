"""Face and plate detection per photo (issue #13): what blurring adds to receiving a photo.

Real photographs shipped by scikit-image (the astronaut portrait has a face; coffee, the cat,
the rocket have none), enlarged to 2,048 px on the long side — the size a phone's photo arrives
at after the report page downscales it. Printed per photo: detection alone (`issues.blur.detect`,
on a copy at most 1,024 px), the whole of `issues.attachments.prepare` (decode, detect, blur,
encode original, public copy and thumbnail), and the floor: what `prepare` did before blurring
(decode, encode the photo and its thumbnail), measured in the same run.

Run: `make bench-blur` (under a minute).
"""

from __future__ import annotations

import io
import os
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
from issues.attachments import MAX_IMAGE_SIDE, THUMBNAIL_SIDE, _jpeg_bytes, prepare  # noqa: E402
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


def main() -> None:
    print(f"{REPEATS} repeats per photo, each {LONG_SIDE} px on its long side")
    for name in PHOTOS:
        raw = phone_sized(name)
        decoded = Image.open(io.BytesIO(raw)).convert("RGB")
        boxes = detect(decoded)
        floor = timed(lambda raw=raw: before_blurring(raw), REPEATS)
        detection = timed(lambda decoded=decoded: detect(decoded), REPEATS)
        whole = timed(
            lambda raw=raw: prepare(SimpleUploadedFile("p.jpg", raw, "image/jpeg")), REPEATS
        )
        median = sorted(whole)[len(whole) // 2] / sorted(floor)[len(floor) // 2]
        print(f"{name:<10} {decoded.width}×{decoded.height}, {len(boxes)} area(s) blurred")
        print(f"  floor (before blurring)  {percentiles(floor)}")
        print(f"  detection alone          {percentiles(detection)}")
        print(f"  prepare with blurring    {percentiles(whole)}   {median:.2f}× the floor")


if __name__ == "__main__":
    main()
