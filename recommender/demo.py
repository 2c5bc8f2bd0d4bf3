"""A synthetic demo shop catalogue, drawn entirely by code.

`make run` loads it as the demo inventory, and the tests use it for their own
catalogue images, so neither needs downloaded data or network access. The CSV
has the columns of the public Fashion Product Images ``styles.csv`` plus a
``filename`` column; every picture is a Pillow drawing of a flat-lay item on a
light studio background, and every brand name is invented.
"""

from __future__ import annotations

import csv
import functools
import math
import pathlib
import random
from dataclasses import dataclass
from typing import Callable, Sequence

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from .catalogue import STYLES_COLUMNS

WIDTH, HEIGHT = 300, 400
FIRST_ID = 900001
CSV_NAME = "catalogue.csv"
COLUMNS = [*STYLES_COLUMNS, "filename"]
JPEG_QUALITY = 88

BRANDS = (
    "Northwind",
    "Quillmere",
    "Bramblecote",
    "Ottervale",
    "Larkspire",
    "Fennick & Rowe",
    "Cindergate",
    "Tamsworth Lane",
    "Velloquin",
    "Mossbury",
)

PALETTE: dict[str, tuple[int, int, int]] = {
    "Black": (34, 34, 37),
    "White": (243, 243, 240),
    "Navy Blue": (32, 45, 84),
    "Grey": (132, 134, 138),
    "Red": (180, 36, 42),
    "Green": (40, 112, 68),
    "Beige": (214, 196, 162),
    "Blue": (54, 102, 178),
    "Pink": (234, 152, 172),
    "Yellow": (236, 196, 62),
    "Brown": (112, 74, 46),
    "Olive": (112, 112, 58),
}

Point = tuple[float, float]
RGB = tuple[int, int, int]

# Drawn at twice the size and downsampled, which anti-aliases every edge.
_SCALE = 2
_BACKDROP_TOP, _BACKDROP_BOTTOM = (248, 247, 245), (233, 231, 228)
_SHADOW = (96, 90, 84)
_METAL = (196, 166, 96)
_SOLE_WHITE = (244, 243, 238)
_BLACK, _WHITE = (0, 0, 0), (255, 255, 255)


# ---------------------------------------------------------------- colours


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def _luminance(rgb: RGB) -> float:
    r, g, b = rgb
    return 0.299 * r + 0.587 * g + 0.114 * b


@dataclass(frozen=True)
class Look:
    """The colours and variant one item is drawn with."""

    rgb: RGB
    contrast: RGB
    pattern: str
    style: str

    @property
    def dark(self) -> bool:
        return _luminance(self.rgb) < 70

    @property
    def ink(self) -> RGB:
        """Seams and stitching: darker than the fabric, or lighter on black."""
        return _mix(self.rgb, _WHITE, 0.3) if self.dark else _mix(self.rgb, _BLACK, 0.42)

    @property
    def outline(self) -> RGB:
        # Keeps white items visible against the near-white backdrop.
        return _mix(self.rgb, _BLACK, 0.5)

    @property
    def inner(self) -> RGB:
        """The inside of the garment, seen through a neckline or a hood."""
        return _mix(self.rgb, _WHITE, 0.12) if self.dark else _mix(self.rgb, _BLACK, 0.3)

    @property
    def trim(self) -> RGB:
        """Ribbing, cuffs and bands: the contrast colour on colourblocked items."""
        if self.pattern == "Colourblocked":
            return self.contrast
        return _mix(self.rgb, _WHITE, 0.1) if self.dark else _mix(self.rgb, _BLACK, 0.12)

    @property
    def button(self) -> RGB:
        return _mix(self.rgb, _WHITE, 0.55) if self.dark else _mix(self.rgb, _BLACK, 0.35)


# ---------------------------------------------------------------- geometry


def _bezier(controls: Sequence[Point], steps: int = 12) -> list[Point]:
    points = []
    for i in range(steps + 1):
        t = i / steps
        pts = list(controls)
        while len(pts) > 1:
            pts = [(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t) for (x0, y0), (x1, y1) in zip(pts, pts[1:])]
        points.append(pts[0])
    return points


def _mirror(points: Sequence[Point]) -> list[Point]:
    return [(WIDTH - x, y) for x, y in points]


def _mirrored(left_half: Sequence[Point]) -> list[Point]:
    """Closes a left-half outline, listed from top centre to bottom centre, with its mirror image."""
    return list(left_half) + _mirror(reversed(left_half))


def _toward(a: Point, b: Point, distance: float) -> Point:
    """The point `distance` along the line from a to b."""
    (ax, ay), (bx, by) = a, b
    length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
    return ax + (bx - ax) * distance / length, ay + (by - ay) * distance / length


def _band(a: Point, b: Point, toward: Point, depth: float) -> list[Point]:
    """A cuff-like band along the edge a-b, `depth` deep in the direction of `toward`."""
    dx, dy = _toward(a, toward, depth)
    ox, oy = dx - a[0], dy - a[1]
    return [a, b, (b[0] + ox, b[1] + oy), (a[0] + ox, a[1] + oy)]


class Sketch:
    """One item: a silhouette that gets the fabric, plus details drawn on top of it."""

    def __init__(self, allover_print: bool = False) -> None:
        self.allover_print = allover_print
        size = (WIDTH * _SCALE, HEIGHT * _SCALE)
        self.mask = Image.new("L", size, 0)
        self._mask_draw = ImageDraw.Draw(self.mask)
        self.fades = Image.new("L", size, 0)
        self._fade_draw = ImageDraw.Draw(self.fades)
        self.faded = False
        self.quilt_spacing = 0
        self.details: list[Callable[[ImageDraw.ImageDraw], None]] = []

    @staticmethod
    def _xy(points: Sequence[Point]) -> list[tuple[float, float]]:
        return [(x * _SCALE, y * _SCALE) for x, y in points]

    @staticmethod
    def _box(box: Sequence[float]) -> list[float]:
        return [v * _SCALE for v in box]

    @staticmethod
    def _w(width: float) -> int:
        return max(1, round(width * _SCALE))

    # The silhouette.
    def body(self, points: Sequence[Point]) -> None:
        self._mask_draw.polygon(self._xy(points), fill=255)

    def body_ellipse(self, box: Sequence[float], ring: float = 0) -> None:
        if ring:
            self._mask_draw.ellipse(self._box(box), outline=255, width=self._w(ring))
        else:
            self._mask_draw.ellipse(self._box(box), fill=255)

    def fade(self, box: Sequence[float]) -> None:
        """A worn, lighter patch in the fabric (washed denim)."""
        self.faded = True
        self._fade_draw.ellipse(self._box(box), fill=150)

    # Details on top.
    def poly(
        self, points: Sequence[Point], fill: RGB | None = None, outline: RGB | None = None, width: float = 1
    ) -> None:
        xy, w = self._xy(points), self._w(width)
        self.details.append(lambda d: d.polygon(xy, fill=fill, outline=outline, width=w))

    def line(self, points: Sequence[Point], fill: RGB, width: float = 1) -> None:
        xy, w = self._xy(points), self._w(width)
        self.details.append(lambda d: d.line(xy, fill=fill, width=w, joint="curve"))

    def stitches(self, points: Sequence[Point], fill: RGB, width: float = 1, dash: float = 4) -> None:
        """A dashed line along a polyline, like topstitching."""
        on = True
        for a, b in zip(points, points[1:]):
            length = ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5
            pos = 0.0
            while pos < length:
                end = min(pos + dash, length)
                if on:
                    self.line([_toward(a, b, pos) if pos else a, _toward(a, b, end)], fill, width)
                on = not on
                pos = end

    def ellipse(
        self, box: Sequence[float], fill: RGB | None = None, outline: RGB | None = None, width: float = 1
    ) -> None:
        xy, w = self._box(box), self._w(width)
        self.details.append(lambda d: d.ellipse(xy, fill=fill, outline=outline, width=w))

    def rounded(
        self, box: Sequence[float], radius: float, fill: RGB | None = None, outline: RGB | None = None, width: float = 1
    ) -> None:
        xy, r, w = self._box(box), radius * _SCALE, self._w(width)
        self.details.append(lambda d: d.rounded_rectangle(xy, r, fill=fill, outline=outline, width=w))


# ---------------------------------------------------------------- prints


def _chest_graphic(s: Sketch, look: Look, cx: float, cy: float, r: float) -> None:
    """A retro sunset print: a disc cut by horizontal stripes."""
    s.ellipse((cx - r, cy - r, cx + r, cy + r), fill=look.contrast)
    accent = _mix(look.contrast, look.rgb, 0.5)
    s.ellipse((cx - r * 0.45, cy - r * 0.8, cx + r * 0.45, cy - r * 0.1), fill=accent)
    for i in range(4):
        y = cy + r * (0.15 + 0.22 * i)
        half = (r * r - (y - cy) ** 2) ** 0.5
        s.line([(cx - half, y), (cx + half, y)], look.rgb, width=2 + i)


def _rib_lines(s: Sketch, band: Sequence[Point], colour: RGB, count: int) -> None:
    """Short lines across a band (a, b, b', a') to make it read as ribbing."""
    a, b, b2, a2 = band
    for i in range(1, count):
        t = i / count
        top = (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
        bottom = (a2[0] + (b2[0] - a2[0]) * t, a2[1] + (b2[1] - a2[1]) * t)
        s.line([top, bottom], colour, width=0.8)


# ---------------------------------------------------------------- tops


def _draw_tshirt(s: Sketch, look: Look) -> None:
    left = [(150, 86), (124, 78), (74, 96), (22, 166), (56, 196), (82, 158), (78, 250), (76, 316), (150, 318)]
    s.body(_mirrored(left))
    if look.style == "V-Neck":
        front = [(124, 78), (150, 124), (176, 78)]
    else:
        half = _bezier([(124, 78), (126, 108), (150, 108)])
        front = half + _mirror(reversed(half))
    s.poly(front + [(150, 86)], fill=look.inner)
    s.line([(124, 78), (150, 86), (176, 78)], look.ink, 1)
    s.line(front, look.trim, 5)
    for side in (lambda p: p, _mirror):
        cuff = _band((22, 166), (56, 196), (74, 96), 12)
        if look.pattern == "Colourblocked":
            s.poly(side(cuff), fill=look.trim, outline=look.ink)
        else:
            s.line(side(cuff[2:]), look.ink, 1)
        s.line(side(_bezier([(74, 96), (80, 128), (82, 158)])), look.ink, 1.2)
    s.stitches([(78, 306), (222, 306)], look.ink, 1)
    if look.pattern == "Printed":
        _chest_graphic(s, look, 150, 186, 32)


def _draw_shirt(s: Sketch, look: Look) -> None:
    left = [(150, 56), (124, 50), (82, 68), (40, 256), (70, 264), (98, 138), (96, 334), (114, 346), (150, 352)]
    s.body(_mirrored(left))
    for side in (lambda p: p, _mirror):
        cuff = _band((40, 256), (70, 264), (82, 68), 24)
        s.poly(side(cuff), fill=look.trim if look.pattern == "Colourblocked" else look.rgb, outline=look.ink)
        ((bx, by),) = side([(58, 246)])
        s.ellipse((bx - 3, by - 3, bx + 3, by + 3), fill=look.button, outline=look.ink)
        s.line(side(_bezier([(82, 68), (94, 100), (98, 138)])), look.ink, 1.2)
    # Placket, buttons and chest pocket.
    s.line([(144, 86), (144, 350)], look.ink, 1)
    s.line([(156, 86), (156, 350)], look.ink, 1)
    for y in range(100, 345, 40):
        s.ellipse((146.5, y - 3.5, 153.5, y + 3.5), fill=look.button, outline=look.ink)
    s.poly([(172, 138), (200, 138), (200, 172), (186, 178), (172, 172)], outline=look.ink, width=1)
    s.line([(172, 144), (200, 144)], look.ink, 1)
    # Collar: the back band first, then the two points that lie over it.
    collar = look.trim if look.pattern == "Colourblocked" else look.rgb
    s.poly([(122, 42), (178, 42), (180, 56), (120, 56)], fill=collar, outline=look.ink, width=1.2)
    leaf = [(150, 88), (122, 48), (106, 60), (126, 110)]
    s.poly(leaf, fill=collar, outline=look.outline, width=1.4)
    s.poly(_mirror(leaf), fill=collar, outline=look.outline, width=1.4)
    s.ellipse((146.5, 80, 153.5, 87), fill=look.button, outline=look.ink)


def _draw_long_sleeved(s: Sketch, look: Look, neck_y: float) -> tuple[list[Point], list[Point]]:
    """The shared body of hoodies and jackets; returns the left cuff and the hem band."""
    left = [(150, neck_y), (120, 80), (76, 96), (36, 300), (70, 308), (98, 156), (96, 342), (150, 342)]
    s.body(_mirrored(left))
    for side in (lambda p: p, _mirror):
        s.line(side(_bezier([(76, 96), (92, 124), (98, 156)])), look.ink, 1.2)
    return _band((36, 300), (70, 308), (76, 96), 22), [(96, 318), (204, 318), (204, 342), (96, 342)]


def _draw_hoodie(s: Sketch, look: Look) -> None:
    s.body_ellipse((96, 18, 204, 130))
    cuff, hem = _draw_long_sleeved(s, look, 100)
    hood_inner = [
        (150 + 34 * c, 76 + 42 * sn)
        for c, sn in (
            (-0.95, 0.45),
            (-1, 0),
            (-0.9, -0.55),
            (-0.6, -0.85),
            (0, -1),
            (0.6, -0.85),
            (0.9, -0.55),
            (1, 0),
            (0.95, 0.45),
        )
    ] + [(150, 126)]
    s.poly(
        hood_inner,
        fill=_mix(look.trim, _BLACK, 0.25) if look.pattern == "Colourblocked" else look.inner,
        outline=look.ink,
        width=2,
    )
    s.line([(120, 108), (150, 128), (180, 108)], look.ink, 1.5)
    for side in (lambda p: p, _mirror):
        s.poly(side(cuff), fill=look.trim, outline=look.ink)
        _rib_lines(s, side(cuff), look.ink, 6)
        s.line(side([(138, 124), (135, 196)]), _mix(look.trim, _WHITE, 0.35), 2.5)
        s.line(side([(135, 190), (135, 200)]), _METAL, 3.5)
    s.poly(hem, fill=look.trim, outline=look.ink)
    _rib_lines(s, hem, look.ink, 18)
    pocket = [(104, 318), (104, 286), (118, 236), (182, 236), (196, 286), (196, 318)]
    s.line(pocket, look.ink, 1.6)
    s.stitches([(112, 286), (124, 244), (176, 244), (188, 286)], look.ink, 1)
    if look.pattern == "Printed":
        _chest_graphic(s, look, 150, 186, 24)


def _draw_jacket(s: Sketch, look: Look) -> None:
    puffer = look.style == "Puffer"
    cuff, hem = _draw_long_sleeved(s, look, 70)
    if puffer:
        s.quilt_spacing = 34
        s.body([(118, 44), (182, 44), (184, 82), (116, 82)])
        s.poly([(118, 44), (182, 44), (184, 82), (150, 90), (116, 82)], fill=look.trim, outline=look.ink, width=1.2)
        s.line([(118, 52), (182, 52)], look.ink, 1)
    else:
        s.body([(120, 60), (180, 60), (184, 84), (116, 84)])
        s.poly([(120, 60), (180, 60), (184, 84), (150, 92), (116, 84)], fill=look.trim, outline=look.ink, width=1.2)
        for x in range(124, 180, 5):
            s.line(
                [(x, 62), (x + (x - 150) * 0.1, 82 + (8 - abs(x - 150) * 0.3 if abs(x - 150) < 26 else 0))],
                look.ink,
                0.8,
            )
        for side in (lambda p: p, _mirror):
            s.poly(side(cuff), fill=look.trim, outline=look.ink)
            _rib_lines(s, side(cuff), look.ink, 6)
        s.poly(hem, fill=look.trim, outline=look.ink)
        _rib_lines(s, hem, look.ink, 18)
    # Zip: tape, teeth and pull.
    s.line([(150, 76 if not puffer else 46), (150, 342)], _mix(look.rgb, _BLACK, 0.55), 4)
    s.stitches([(150, 80 if not puffer else 50), (150, 340)], (186, 186, 190), 2, dash=2)
    s.rounded((146, 84, 154, 100), 2, fill=(190, 190, 196), outline=(90, 90, 96))
    for side in (lambda p: p, _mirror):
        s.line(side([(108, 236), (122, 286)]), look.ink, 2.5)
        s.stitches(side([(104, 238), (118, 288)]), look.ink, 1)


def _draw_dress(s: Sketch, look: Look) -> None:
    flare = look.style == "Fit and Flare"
    hem_x, hem_y = (42, 362) if flare else (60, 366)
    armhole = _bezier([(106, 48), (108, 104), (92, 118)])
    left = [(150, 66), (124, 48)] + armhole + [(106, 176), (hem_x, hem_y), (100, hem_y + 6), (150, hem_y + 8)]
    s.body(_mirrored(left))
    scoop = _bezier([(124, 48), (126, 96), (150, 96)])
    s.poly(scoop + _mirror(reversed(scoop)) + [(150, 66)], fill=look.inner)
    s.line(scoop + _mirror(reversed(scoop)), look.ink, 1.5)
    s.line([(124, 48), (150, 66), (176, 48)], look.ink, 1)
    for side in (lambda p: p, _mirror):
        s.line(side(armhole[2:]), look.ink, 1)
    s.line([(106, 176), (194, 176)], look.ink, 1.2)
    if flare or look.pattern == "Colourblocked":
        s.poly([(106, 168), (194, 168), (194, 184), (106, 184)], fill=look.trim, outline=look.ink)
    fold = _mix(look.rgb, look.ink, 0.6)
    for top_x, bottom_x in ((128, 100), (150, 150), (172, 200)) + (((116, 66), (184, 234)) if flare else ()):
        s.line([(top_x, 186), (bottom_x, hem_y)], fold, 1)
    s.stitches([(hem_x + 6, hem_y - 6), (150, hem_y + 2), (WIDTH - hem_x - 6, hem_y - 6)], look.ink, 1)


# ---------------------------------------------------------------- bottoms


def _draw_skirt(s: Sketch, look: Look) -> None:
    pleated = look.style == "Pleated"
    s.body(_mirrored([(150, 84), (98, 84), (98, 108), (58, 318), (100, 324), (150, 328)]))
    s.poly(
        [(98, 84), (202, 84), (202, 108), (98, 108)],
        fill=look.trim if look.pattern == "Colourblocked" else look.rgb,
        outline=look.ink,
        width=1.2,
    )
    s.ellipse((182, 91, 192, 101), fill=look.button, outline=look.ink)
    if pleated:
        for i in range(-5, 6):
            s.line(
                [(150 + i * 9.5, 108), (150 + i * 17, 326 - abs(i) * 0.8)],
                look.ink if i % 2 else _mix(look.rgb, _WHITE, 0.3),
                1,
            )
    else:
        for top_x, bottom_x in ((126, 96), (174, 204)):
            s.line([(top_x, 112), (bottom_x, 322)], _mix(look.rgb, look.ink, 0.6), 1)
        s.stitches([(64, 312), (150, 320), (236, 312)], look.ink, 1)


def _draw_legwear(
    s: Sketch,
    look: Look,
    top: float,
    hem: float,
    crotch: float,
    hem_outer: float,
    hem_inner: float,
    jeans: bool = False,
) -> None:
    waist = top + 18
    s.body(
        _mirrored(
            [(150, top), (94, top), (92, waist), (88, waist + 60), (hem_outer, hem), (hem_inner, hem), (150, crotch)]
        )
    )
    stitch = (204, 150, 72) if jeans else look.ink
    s.line([(92, waist), (208, waist)], look.ink, 1.2)
    for x in (104, 130, 170, 196):
        s.rounded((x - 3, top - 2, x + 3, waist + 4), 1.5, fill=look.rgb, outline=look.ink)
    s.ellipse((151, top + 4, 161, top + 14), fill=_METAL if jeans else look.button, outline=look.ink)
    fly_bottom = top + (crotch - top) * 0.7
    s.line([(162, waist), (162, fly_bottom), (151, fly_bottom + 12)], stitch, 1.2)
    for side in (lambda p: p, _mirror):
        if jeans:
            s.line(side(_bezier([(126, waist), (122, waist + 34), (91, waist + 40)])), look.ink, 1.4)
            s.stitches(side(_bezier([(122, waist), (118, waist + 28), (91, waist + 34)])), stitch, 1)
        else:
            s.line(side([(104, waist), (118, waist + 44)]), look.ink, 1.4)
        leg_mid = (hem_outer + hem_inner) / 2
        if not jeans and hem - top > 250:
            s.line(side([(120, waist + 30), (leg_mid, hem - 4)]), _mix(look.rgb, look.ink, 0.5), 1)
        s.stitches(side([(hem_outer + 1, hem - 8), (hem_inner - 1, hem - 8)]), stitch, 1)
        s.line(side([(148, crotch + 2), (hem_inner + 1, hem - 2)]), _mix(look.rgb, look.ink, 0.5), 1)
    if jeans:
        s.poly([(170, waist + 8), (186, waist + 8), (186, waist + 24), (170, waist + 24)], outline=stitch)


def _draw_trousers(s: Sketch, look: Look) -> None:
    _draw_legwear(s, look, top=34, hem=374, crotch=160, hem_outer=82, hem_inner=140)


def _draw_jeans(s: Sketch, look: Look) -> None:
    if look.pattern == "Washed":
        for side in (lambda p: p, _mirror):
            (x0, y0), (x1, y1) = side([(100, 90), (136, 200)])
            s.fade((min(x0, x1), y0, max(x0, x1), y1))
            (x0, y0), (x1, y1) = side([(98, 230), (130, 290)])
            s.fade((min(x0, x1), y0, max(x0, x1), y1))
    _draw_legwear(s, look, top=34, hem=374, crotch=160, hem_outer=84, hem_inner=140, jeans=True)


def _draw_shorts(s: Sketch, look: Look) -> None:
    _draw_legwear(s, look, top=104, hem=300, crotch=200, hem_outer=70, hem_inner=140)
    for side in (lambda p: p, _mirror):
        if look.style == "Cargo":
            s.poly(side([(74, 226), (104, 226), (104, 266), (76, 266)]), outline=look.ink, width=1.2)
            s.poly(side([(73, 222), (105, 222), (105, 236), (73, 236)]), fill=look.rgb, outline=look.ink)
        s.poly(
            side(_band((70, 300), (140, 300), (84, 180), 16)),
            fill=look.trim if look.pattern == "Colourblocked" else look.rgb,
            outline=look.ink,
        )


# ---------------------------------------------------------------- shoes


def _draw_sneaker(s: Sketch, look: Look) -> None:
    throat = ((126, 164), (222, 220))
    upper = (
        [(46, 262)]
        + _bezier([(40, 240), (38, 196), (52, 176)], 6)
        + [(72, 184), (96, 190), (104, 168), (116, 160), throat[0], (160, 184), (196, 206), throat[1]]
        + _bezier([(242, 228), (270, 238), (268, 262)], 6)
    )
    s.body(upper)
    sole = look.contrast if look.pattern == "Colourblocked" else _SOLE_WHITE
    if _luminance(look.rgb) > 225:
        sole = PALETTE["Beige"] if look.pattern == "Colourblocked" else _SOLE_WHITE
    # The heel counter and side panel carry the trim colour.
    s.poly(
        [(46, 262)] + _bezier([(40, 240), (40, 214), (48, 198)], 5) + [(80, 206), (94, 262)],
        fill=look.trim,
        outline=look.ink,
        width=1.2,
    )
    s.poly([(100, 252), (180, 212), (192, 218), (116, 256)], fill=look.trim, outline=look.ink, width=1)
    s.line(_bezier([(216, 262), (214, 232), (236, 226)]), look.ink, 1.2)
    s.line([(52, 176), (72, 184), (96, 190)], _mix(look.rgb, look.ink, 0.5), 4)
    s.rounded((44, 164, 56, 184), 3, fill=look.trim, outline=look.ink)
    laces = _mix(look.contrast, _WHITE, 0.5) if look.pattern == "Colourblocked" else _mix(look.rgb, _WHITE, 0.7)
    for i in range(5):
        x, y = _toward(*throat, 10 + i * 20)
        s.line([(x - 6, y + 10), (x + 1, y - 2)], laces, 3)
        s.ellipse((x - 8.5, y + 7.5, x - 3.5, y + 12.5), fill=look.inner)
    s.poly(
        [(36, 258), (270, 258), (274, 272), (266, 288), (48, 292), (34, 282)],
        fill=sole,
        outline=_mix(sole, _BLACK, 0.35),
        width=1.2,
    )
    s.line([(40, 266), (270, 266)], _mix(sole, _BLACK, 0.18), 1.5)
    s.line([(44, 288), (266, 285)], _mix(sole, _BLACK, 0.45), 3)
    s.stitches([(50, 254), (262, 254)], look.ink, 1)


def _draw_boot(s: Sketch, look: Look) -> None:
    chelsea = look.style == "Chelsea"
    s.body(
        [(76, 100), (152, 100), (154, 176)]
        + _bezier([(162, 216), (200, 236), (232, 252)], 6)
        + _bezier([(254, 262), (260, 284), (252, 300)], 5)
        + [(62, 300), (66, 230), (72, 170)]
    )
    sole = _mix(look.rgb, _BLACK, 0.6) if not look.dark else (70, 66, 62)
    s.poly([(56, 298), (114, 298), (112, 332), (60, 332)], fill=sole, outline=_mix(sole, _BLACK, 0.4))
    s.poly([(112, 298), (254, 298), (262, 306), (252, 318), (112, 318)], fill=sole, outline=_mix(sole, _BLACK, 0.4))
    s.stitches([(66, 292), (248, 292)], look.ink, 1)
    s.line(_bezier([(204, 300), (198, 254), (226, 246)]), look.ink, 1.2)
    s.line([(68, 226), (102, 232), (104, 298)], look.ink, 1.2)
    s.poly([(76, 100), (152, 100), (152, 110), (75, 110)], fill=look.trim, outline=look.ink)
    if chelsea:
        s.poly([(98, 110), (130, 110), (114, 196)], fill=_mix(look.rgb, _BLACK, 0.45), outline=look.ink)
        for x in range(102, 128, 5):
            s.line([(x, 112), (114 + (x - 114) * 0.2, 188)], _mix(look.rgb, _BLACK, 0.25), 0.8)
        s.rounded((68, 78, 88, 110), 4, outline=look.trim, width=4)
        s.rounded((138, 78, 158, 110), 4, outline=look.trim, width=4)
    else:
        s.poly([(126, 86), (156, 86), (154, 112), (126, 112)], fill=look.rgb, outline=look.ink)
        s.line([(140, 112), (147, 184)], look.ink, 1)
        laces = _mix(look.contrast, _WHITE, 0.3)
        for y in range(120, 190, 14):
            s.line([(143, y), (153, y + 9)], laces, 3)
            s.ellipse((140, y - 3, 146, y + 3), fill=_METAL, outline=look.ink)
        s.rounded((68, 84, 82, 108), 3, outline=look.trim, width=3)


# ---------------------------------------------------------------- accessories


def _draw_handbag(s: Sketch, look: Look) -> None:
    s.body_ellipse((104, 64, 196, 250), ring=11)
    s.body([(80, 160), (220, 160), (238, 326), (226, 342), (74, 342), (62, 326)])
    flap = look.contrast if look.pattern == "Colourblocked" else look.rgb
    s.poly([(80, 160), (220, 160), (226, 224), (150, 240), (74, 224)], fill=flap, outline=look.outline, width=1.4)
    s.stitches([(84, 166), (216, 166), (220, 218), (150, 233), (80, 218), (84, 166)], look.ink, 1)
    s.stitches([(70, 330), (230, 330)], look.ink, 1)
    s.rounded((139, 226, 161, 248), 4, fill=_METAL, outline=_mix(_METAL, _BLACK, 0.4), width=1.2)
    for x in (106, 194):
        s.rounded((x - 8, 148, x + 8, 168), 3, fill=_METAL, outline=_mix(_METAL, _BLACK, 0.4))


def _draw_cap(s: Sketch, look: Look) -> None:
    cx, cy, rx, ry = 140, 240, 102, 120
    crown = [(cx + rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a))) for a in range(180, 361, 10)]
    s.body(crown)
    brim = (
        _bezier([(204, 232), (248, 220), (282, 232)], 8)
        + _bezier([(282, 232), (296, 242), (280, 252)], 4)
        + _bezier([(280, 252), (246, 256), (204, 246)], 8)
    )
    s.body(brim)
    s.body_ellipse((132, 112, 148, 126))
    s.poly(brim, fill=look.trim if look.pattern == "Colourblocked" else look.rgb, outline=look.outline, width=1.4)
    s.line(_bezier([(280, 251), (246, 255), (206, 245)], 8), _mix(look.rgb, _BLACK, 0.4), 2.5)
    s.stitches(_bezier([(212, 236), (250, 226), (280, 238)], 8), look.ink, 1)
    s.line([(38, 238), (212, 238)], look.ink, 1.5)
    for seam in ([(140, 122), (108, 150), (92, 238)], [(140, 122), (176, 146), (196, 236)]):
        s.line(_bezier(seam), look.ink, 1.2)
        s.stitches([(x + 5, y) for x, y in _bezier(seam, 8)], look.ink, 1)
    for x, y in ((104, 168), (172, 164)):
        s.ellipse((x - 3, y - 3, x + 3, y + 3), fill=look.inner)
    s.poly(
        _bezier([(48, 238), (56, 212), (78, 212)], 5) + _bezier([(78, 212), (92, 214), (96, 238)], 5),
        fill=look.inner,
        outline=look.ink,
    )
    s.ellipse((132, 112, 148, 126), fill=look.trim, outline=look.ink)
    if look.pattern == "Printed":
        s.rounded((158, 168, 198, 204), 6, fill=look.contrast, outline=_mix(look.contrast, _BLACK, 0.3))
        s.line([(166, 186), (190, 186)], look.rgb, 3)


def _draw_scarf(s: Sketch, look: Look) -> None:
    # Worn round a neck: the ring is the loop, and the two ends cross below it.
    s.body_ellipse((84, 30, 216, 146), ring=28)
    under_end = [(84, 88), (126, 126), (204, 330), (156, 342)]
    over_end = [(174, 126), (216, 88), (144, 326), (96, 318)]
    s.body(under_end)
    s.body(over_end)
    s.body_ellipse((126, 124, 174, 170))  # fills the notch where both ends leave the loop
    s.line([(158, 165), over_end[3]], look.outline, 1.4)
    s.line(over_end[1:3], look.outline, 1.4)
    fringe = _mix(look.rgb, _BLACK, 0.12) if not look.dark else _mix(look.rgb, _WHITE, 0.1)
    for a, b in ((under_end[3], under_end[2]), (over_end[3], over_end[2])):
        for i in range(12):
            x, y = _toward(a, b, 2 + i * 4)
            s.line([(x, y), (x - 1 + (i % 3), y + 20)], fringe, 1.6)
    fold = _mix(look.rgb, look.ink, 0.5)
    s.line([(120, 176), (180, 334)], fold, 1)
    s.line([(180, 176), (120, 320)], fold, 1)


# ---------------------------------------------------------------- rendering


@functools.cache
def _backdrop() -> Image.Image:
    ramp = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    return Image.composite(
        Image.new("RGB", (WIDTH, HEIGHT), _BACKDROP_BOTTOM), Image.new("RGB", (WIDTH, HEIGHT), _BACKDROP_TOP), ramp
    )


@functools.cache
def _shading() -> Image.Image:
    """Soft light from the upper left, so fabrics are not flat single colours."""
    size = (WIDTH * _SCALE, HEIGHT * _SCALE)
    down = Image.linear_gradient("L").resize(size).point(lambda v: v * 26 // 255)
    across = Image.linear_gradient("L").rotate(90).resize(size).point(lambda v: (255 - v) * 16 // 255)
    shade = ImageChops.invert(ImageChops.add(down, across))
    return Image.merge("RGB", (shade, shade, shade))


def _fabric(look: Look, sketch: Sketch) -> Image.Image:
    size = (WIDTH * _SCALE, HEIGHT * _SCALE)
    fabric = Image.new("RGB", size, look.rgb)
    draw = ImageDraw.Draw(fabric)
    s = _SCALE
    if look.pattern == "Striped":
        for y in range(0, HEIGHT, 24):
            draw.rectangle((0, y * s, size[0], (y + 8) * s), fill=look.contrast)
    elif look.pattern == "Checked":
        bands = Image.new("L", size, 0)
        rows, cols = Image.new("L", size, 0), Image.new("L", size, 0)
        for v in range(0, max(WIDTH, HEIGHT), 28):
            ImageDraw.Draw(rows).rectangle((0, v * s, size[0], (v + 12) * s), fill=105)
            ImageDraw.Draw(cols).rectangle((v * s, 0, (v + 12) * s, size[1]), fill=105)
            ImageDraw.Draw(bands).line((0, (v + 20) * s, size[0], (v + 20) * s), fill=200, width=s)
            ImageDraw.Draw(bands).line(((v + 20) * s, 0, (v + 20) * s, size[1]), fill=200, width=s)
        bands = ImageChops.lighter(bands, ImageChops.add(rows, cols))
        fabric = Image.composite(Image.new("RGB", size, look.contrast), fabric, bands)
    elif look.pattern == "Printed" and sketch.allover_print:
        for row, y in enumerate(range(8, HEIGHT, 22)):
            for x in range(8 + (row % 2) * 11, WIDTH, 22):
                draw.ellipse(((x - 4) * s, (y - 4) * s, (x + 4) * s, (y + 4) * s), fill=look.contrast)
    if sketch.faded:
        fabric = Image.composite(
            Image.new("RGB", size, _mix(look.rgb, _WHITE, 0.35)),
            fabric,
            sketch.fades.filter(ImageFilter.BoxBlur(16 * s)),
        )
    if sketch.quilt_spacing:
        seams = Image.new("L", size, 0)
        for y in range(100, HEIGHT, sketch.quilt_spacing):
            ImageDraw.Draw(seams).line((0, y * s, size[0], y * s), fill=170, width=3 * s)
        fabric = Image.composite(Image.new("RGB", size, look.ink), fabric, seams.filter(ImageFilter.BoxBlur(3 * s)))
    return ImageChops.multiply(fabric, _shading())


def _shifted(mask: Image.Image, dx: int, dy: int) -> Image.Image:
    # Unlike ImageChops.offset this does not wrap, so a brim near the edge casts no shadow on the far side.
    return mask.transform(mask.size, Image.Transform.AFFINE, (1, 0, -dx, 0, 1, -dy))


def _render(sketch: Sketch, look: Look) -> Image.Image:
    size = (WIDTH * _SCALE, HEIGHT * _SCALE)
    # A box blur thresholded low grows the silhouette by ~2px: that rim is the outline.
    grown = sketch.mask.filter(ImageFilter.BoxBlur(3)).point(lambda v: 255 if v > 40 else 0)
    item = Image.new("RGBA", size, look.outline)
    item.putalpha(grown)
    item.paste(_fabric(look, sketch), mask=sketch.mask)
    draw = ImageDraw.Draw(item)
    for detail in sketch.details:
        detail(draw)
    item = item.reduce(_SCALE)

    alpha = item.getchannel("A")
    picture = _backdrop().copy()
    soft = _shifted(alpha, 5, 9).filter(ImageFilter.GaussianBlur(9)).point(lambda v: v * 36 // 100)
    contact = _shifted(alpha, 2, 3).filter(ImageFilter.GaussianBlur(2)).point(lambda v: v * 22 // 100)
    picture.paste(_SHADOW, mask=ImageChops.lighter(soft, contact))
    picture.paste(item.convert("RGB"), mask=alpha)
    return picture


# ---------------------------------------------------------------- the catalogue


_ALL_COLOURS = tuple(PALETTE)
_MOSTLY_MEN = (("Men", 45), ("Women", 40), ("Unisex", 15))
_WOMEN = (("Women", 1),)
_ALL_SEASONS = ("Summer", "Winter", "Spring", "Fall")
_WARM = ("Summer", "Summer", "Spring")
_COLD = ("Winter", "Winter", "Fall")


@dataclass(frozen=True)
class ArticleType:
    name: str
    master: str
    sub: str
    noun: str
    draw: Callable[[Sketch, Look], None]
    styles: tuple[str, ...]
    patterns: tuple[str, ...] = ("Solid",)
    colours: tuple[str, ...] = _ALL_COLOURS
    seasons: tuple[str, ...] = _ALL_SEASONS
    usages: tuple[str, ...] = ("Casual",)
    genders: tuple[tuple[str, int], ...] = _MOSTLY_MEN
    allover_print: bool = False  # "Printed" means dots all over rather than a chest graphic


ARTICLE_TYPES: tuple[ArticleType, ...] = (
    ArticleType(
        "Tshirts",
        "Apparel",
        "Topwear",
        "T-shirt",
        _draw_tshirt,
        ("Crew", "V-Neck"),
        ("Solid", "Striped", "Printed", "Colourblocked"),
        seasons=_WARM + ("Fall",),
        usages=("Casual", "Casual", "Sports"),
    ),
    ArticleType(
        "Shirts",
        "Apparel",
        "Topwear",
        "Shirt",
        _draw_shirt,
        ("Slim Fit", "Regular Fit", "Oxford"),
        ("Solid", "Checked", "Striped"),
        ("White", "Blue", "Navy Blue", "Pink", "Grey", "Black", "Beige", "Olive", "Green", "Red"),
        usages=("Casual", "Formal", "Smart Casual"),
    ),
    ArticleType(
        "Sweatshirts",
        "Apparel",
        "Topwear",
        "Hooded Sweatshirt",
        _draw_hoodie,
        ("Pullover", "Fleece"),
        ("Solid", "Colourblocked", "Printed"),
        seasons=_COLD,
        usages=("Casual", "Sports"),
    ),
    ArticleType(
        "Jackets",
        "Apparel",
        "Topwear",
        "Jacket",
        _draw_jacket,
        ("Bomber", "Puffer"),
        ("Solid", "Colourblocked"),
        seasons=_COLD,
        usages=("Casual", "Casual", "Travel"),
    ),
    ArticleType(
        "Dresses",
        "Apparel",
        "Dress",
        "Dress",
        _draw_dress,
        ("A-Line", "Fit and Flare"),
        ("Solid", "Printed", "Striped"),
        seasons=_WARM + ("Fall",),
        usages=("Casual", "Party"),
        genders=_WOMEN,
        allover_print=True,
    ),
    ArticleType(
        "Skirts",
        "Apparel",
        "Bottomwear",
        "Skirt",
        _draw_skirt,
        ("A-Line", "Pleated"),
        ("Solid", "Checked", "Printed"),
        usages=("Casual", "Formal", "Party"),
        genders=_WOMEN,
        allover_print=True,
    ),
    ArticleType(
        "Jeans",
        "Apparel",
        "Bottomwear",
        "Jeans",
        _draw_jeans,
        ("Slim Fit", "Straight Fit", "Skinny Fit"),
        ("Washed", "Solid"),
        ("Blue", "Blue", "Navy Blue", "Black", "Grey", "White"),
    ),
    ArticleType(
        "Trousers",
        "Apparel",
        "Bottomwear",
        "Trousers",
        _draw_trousers,
        ("Chino", "Tapered", "Formal"),
        ("Solid", "Solid", "Checked"),
        ("Beige", "Navy Blue", "Black", "Grey", "Olive", "Brown", "Blue"),
        usages=("Casual", "Formal", "Smart Casual"),
    ),
    ArticleType(
        "Shorts",
        "Apparel",
        "Bottomwear",
        "Shorts",
        _draw_shorts,
        ("Chino", "Cargo"),
        ("Solid", "Checked", "Colourblocked"),
        seasons=_WARM,
        usages=("Casual", "Sports"),
    ),
    ArticleType(
        "Casual Shoes",
        "Footwear",
        "Shoes",
        "Sneakers",
        _draw_sneaker,
        ("Low-Top", "Court"),
        ("Solid", "Colourblocked"),
        usages=("Casual", "Casual", "Sports"),
    ),
    ArticleType(
        "Boots",
        "Footwear",
        "Shoes",
        "Boots",
        _draw_boot,
        ("Chelsea", "Lace-Up"),
        ("Solid",),
        ("Black", "Brown", "Beige", "Olive", "Grey"),
        seasons=_COLD,
        genders=(("Men", 45), ("Women", 55)),
    ),
    ArticleType(
        "Handbags",
        "Accessories",
        "Bags",
        "Handbag",
        _draw_handbag,
        ("Satchel", "Structured"),
        ("Solid", "Colourblocked"),
        ("Black", "Brown", "Beige", "Red", "Pink", "Navy Blue", "White", "Olive"),
        usages=("Casual", "Formal", "Party"),
        genders=_WOMEN,
    ),
    ArticleType(
        "Caps",
        "Accessories",
        "Headwear",
        "Cap",
        _draw_cap,
        ("Baseball", "Snapback"),
        ("Solid", "Colourblocked", "Printed"),
        seasons=_WARM,
        usages=("Casual", "Sports"),
        genders=(("Men", 40), ("Women", 20), ("Unisex", 40)),
    ),
    ArticleType(
        "Scarves",
        "Accessories",
        "Scarves",
        "Scarf",
        _draw_scarf,
        ("Woollen", "Fringed"),
        ("Checked", "Checked", "Striped", "Solid"),
        seasons=_COLD,
        genders=(("Men", 20), ("Women", 50), ("Unisex", 30)),
    ),
)
_BY_NAME = {article.name: article for article in ARTICLE_TYPES}


def _contrast_for(colour: str) -> str:
    """A palette colour that stands out against `colour`, for prints and trims."""
    return "White" if _luminance(PALETTE[colour]) < 140 else "Navy Blue"


def draw_product(
    article_type: str, colour: str, *, pattern: str = "Solid", style: str | None = None, contrast: str | None = None
) -> Image.Image:
    """A 300x400 RGB studio picture of one item, e.g. draw_product("Tshirts", "Navy Blue")."""
    article = _BY_NAME[article_type]
    look = Look(PALETTE[colour], PALETTE[contrast or _contrast_for(colour)], pattern, style or article.styles[0])
    sketch = Sketch(article.allover_print)
    article.draw(sketch, look)
    return _render(sketch, look)


@dataclass(frozen=True)
class Product:
    id: int
    article: ArticleType
    gender: str
    colour: str
    contrast: str
    pattern: str
    style: str
    season: str
    year: int
    usage: str
    brand: str

    @property
    def filename(self) -> str:
        return f"{self.id}.jpg"

    @property
    def display_name(self) -> str:
        return f"{self.brand} {self.gender} {self.colour} {self.pattern} {self.style} {self.article.noun}"

    def row(self) -> list[object]:
        a = self.article
        return [
            self.id,
            self.gender,
            a.master,
            a.sub,
            a.name,
            self.colour,
            self.season,
            self.year,
            self.usage,
            self.display_name,
            self.filename,
        ]

    def image(self) -> Image.Image:
        return draw_product(
            self.article.name, self.colour, pattern=self.pattern, style=self.style, contrast=self.contrast
        )


def _invent_product(rng: random.Random, product_id: int, article: ArticleType) -> Product:
    colour = rng.choice(article.colours)
    far_enough = [c for c in PALETTE if abs(_luminance(PALETTE[c]) - _luminance(PALETTE[colour])) > 80]
    names, weights = zip(*article.genders)
    return Product(
        id=product_id,
        article=article,
        gender=rng.choices(names, weights)[0],
        colour=colour,
        contrast=rng.choice(far_enough),
        pattern=rng.choice(article.patterns),
        style=rng.choice(article.styles),
        season=rng.choice(article.seasons),
        year=rng.randint(2012, 2018),
        usage=rng.choice(article.usages),
        brand=rng.choice(BRANDS),
    )


def demo_products(count: int = 160, seed: int = 7) -> list[Product]:
    """`count` products spread evenly over the article types, the same for the same seed."""
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(seed)
    kinds: list[ArticleType] = []
    while len(kinds) < count:
        one_of_each = list(ARTICLE_TYPES)
        rng.shuffle(one_of_each)
        kinds.extend(one_of_each)
    return [_invent_product(rng, FIRST_ID + i, article) for i, article in enumerate(kinds[:count])]


def write_demo_catalogue(folder: pathlib.Path, *, count: int = 160, seed: int = 7) -> pathlib.Path:
    """Write folder/catalogue.csv and one folder/<id>.jpg per product; return the CSV path."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / CSV_NAME
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for product in demo_products(count, seed):
            product.image().save(folder / product.filename, "JPEG", quality=JPEG_QUALITY)
            writer.writerow(product.row())
    return csv_path
