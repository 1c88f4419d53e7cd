"""Draw the app icons of the web app manifest (cms/manifest.py) from our favicon's
design (static/img/favicon.svg: a white K on the brand green, rounded corners).

    python manage.py app_icons

writes static/img/icon-192.png, icon-512.png and icon-maskable-512.png (full bleed,
the letter inside the central safe zone that a phone's mask never cuts). The K is
drawn from straight strokes, not from a font, so that every machine draws the same
icons.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

BRAND = (0x0B, 0x5E, 0x4A, 255)
WHITE = (255, 255, 255, 255)
# Drawn this many times larger, then scaled down: smooth diagonal edges.
SUPERSAMPLE = 4


def letter_k(draw: ImageDraw.ImageDraw, *, centre: float, height: float) -> None:
    """A bold K, `height` tall, centred on (centre, centre)."""
    stroke = height * 0.2
    width = height * 0.72
    left = centre - width / 2
    top = centre - height / 2
    bottom = centre + height / 2
    right = left + width
    waist = top + height * 0.55
    draw.rectangle((left, top, left + stroke, bottom), fill=WHITE)
    arm = stroke * 1.15
    # Upper arm: from the stem's waist up to the top right.
    draw.polygon(
        [
            (left + stroke, waist - arm),
            (right - arm, top),
            (right + arm * 0.2, top),
            (left + stroke, waist + arm * 0.55),
        ],
        fill=WHITE,
    )
    # Leg: from the middle of the upper arm down to the bottom right.
    leg_top = left + stroke + width * 0.2
    draw.polygon(
        [
            (leg_top - arm * 0.3, waist - arm * 0.9),
            (leg_top + arm * 0.75, waist - arm * 1.55),
            (right + arm * 0.25, bottom),
            (right - arm * 0.95, bottom),
        ],
        fill=WHITE,
    )


def icon(size: int, *, maskable: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        # Full bleed; the letter within the safe zone (a circle of 80 % diameter).
        draw.rectangle((0, 0, big, big), fill=BRAND)
        letter_k(draw, centre=big / 2, height=big * 0.42)
    else:
        draw.rounded_rectangle(
            (0, 0, big - 1, big - 1), radius=big * 6 / 32, fill=BRAND
        )
        letter_k(draw, centre=big / 2, height=big * 0.56)
    return image.resize((size, size), Image.Resampling.LANCZOS)


class Command(BaseCommand):
    help = "Draw the web app manifest's PNG icons into static/img/."

    def handle(self, *args, **options):
        folder = Path(settings.BASE_DIR) / "static" / "img"
        for name, size, maskable in (
            ("icon-192.png", 192, False),
            ("icon-512.png", 512, False),
            ("icon-maskable-512.png", 512, True),
        ):
            icon(size, maskable=maskable).save(folder / name, optimize=True)
            self.stdout.write(f"{folder / name}")
