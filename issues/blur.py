"""Faces and licence plates blurred on the public copy of every photo (Morocco's law 09-08 on
personal data). Detection uses the Haar cascades OpenCV ships (frontal and profile faces; the
plate cascade, trained on Russian plates, also finds many European-format Moroccan plates but
misses some): no model is downloaded. A moderator adds or removes boxes by hand
(`issues.moderation`), and the public copy is made again from the original.

Boxes are [x, y, width, height] in pixels of the stored (cleaned) photo."""

from __future__ import annotations

from functools import cache

import cv2
import numpy
from PIL import Image, ImageFilter

# Detection runs on a copy at most this wide or high (bench/blur.py: about 4× faster than at
# 1,024 px, and fewer false faces); a face smaller than 1/32 of the photo's long side, or a plate
# narrower than 1/16, is not searched for.
DETECT_SIDE = 640
SCALE_STEP = 1.15
MIN_NEIGHBOURS = 6
MARGIN = 0.15  # each box grows by this share on every side, to cover hair, chin and edges
CASCADES = {
    "face": ("haarcascade_frontalface_default.xml", (20, 20)),
    "profile": ("haarcascade_profileface.xml", (20, 20)),
    "plate": ("haarcascade_russian_plate_number.xml", (40, 12)),
}

Box = list[int]


@cache
def _classifier(file_name: str) -> cv2.CascadeClassifier:
    classifier = cv2.CascadeClassifier(cv2.data.haarcascades + file_name)
    if classifier.empty():
        raise RuntimeError(f"OpenCV's {file_name} could not be loaded")
    return classifier


def detect(image: Image.Image) -> list[Box]:
    """Boxes around the faces and plates found in `image` (an RGB photo)."""
    scale = min(1.0, DETECT_SIDE / max(image.size))
    small = (
        image
        if scale == 1.0
        else image.resize((round(image.width * scale), round(image.height * scale)), Image.BILINEAR)
    )
    gray = cv2.equalizeHist(cv2.cvtColor(numpy.asarray(small.convert("RGB")), cv2.COLOR_RGB2GRAY))
    boxes = []
    for file_name, smallest in CASCADES.values():
        found = _classifier(file_name).detectMultiScale(
            gray, scaleFactor=SCALE_STEP, minNeighbors=MIN_NEIGHBOURS, minSize=smallest
        )
        for x, y, width, height in found:
            boxes.append(_grown([x / scale, y / scale, width / scale, height / scale], image.size))
    return boxes


def _grown(box: list[float], size: tuple[int, int]) -> Box:
    x, y, width, height = box
    left = max(0, round(x - width * MARGIN))
    top = max(0, round(y - height * MARGIN))
    right = min(size[0], round(x + width * (1 + MARGIN)))
    bottom = min(size[1], round(y + height * (1 + MARGIN)))
    return [left, top, right - left, bottom - top]


def clean_boxes(boxes, size: tuple[int, int]) -> list[Box]:
    """Boxes from a person (or a form) as whole pixels inside the photo; empty ones dropped."""
    cleaned = []
    for x, y, width, height in boxes:
        left, top = max(0, int(x)), max(0, int(y))
        right, bottom = min(size[0], int(x) + int(width)), min(size[1], int(y) + int(height))
        if right > left and bottom > top:
            cleaned.append([left, top, right - left, bottom - top])
    return cleaned


def blurred(image: Image.Image, boxes: list[Box]) -> Image.Image:
    """A copy of `image` with each box blurred beyond recognition; nothing else changes."""
    public = image.copy()
    for x, y, width, height in boxes:
        region = public.crop((x, y, x + width, y + height))
        # Pixelate, then smooth: a Gaussian blur alone can leave a face recognisable.
        cells = (max(1, width // 12), max(1, height // 12))
        region = region.resize(cells, Image.BILINEAR).resize((width, height), Image.NEAREST)
        region = region.filter(ImageFilter.GaussianBlur(radius=max(2, min(width, height) // 20)))
        public.paste(region, (x, y))
    return public
