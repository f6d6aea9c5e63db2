"""Draws the web app's icons (static/icons/): a white map pin on Casa Map's blue. The PNGs are
committed; run again only when the design changes: `.venv/bin/python scripts/make_icons.py`."""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (29, 78, 137, 255)
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def pin_icon(size: int, *, maskable: bool) -> Image.Image:
    """`maskable` keeps the pin inside the central 80 % safe zone and fills the whole square."""
    scale = 4  # drawn large, then reduced, for smooth edges
    side = size * scale
    image = Image.new("RGBA", (side, side), BLUE if maskable else (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if not maskable:
        draw.rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 6, fill=BLUE)
    extent = side * (0.5 if maskable else 0.62)
    centre_x, top = side / 2, (side - extent) / 2
    radius = extent * 0.32
    head_y = top + radius
    draw.ellipse((centre_x - radius, top, centre_x + radius, top + 2 * radius), fill=WHITE)
    draw.polygon(
        [
            (centre_x - radius * 0.87, head_y + radius * 0.5),
            (centre_x + radius * 0.87, head_y + radius * 0.5),
            (centre_x, top + extent),
        ],
        fill=WHITE,
    )
    hole = radius * 0.42
    draw.ellipse((centre_x - hole, head_y - hole, centre_x + hole, head_y + hole), fill=BLUE)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (180, 192, 512):
        pin_icon(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
    pin_icon(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
