"""The marks the synthesiser draws (data.py): random text and logos, and the four
marked families (clwd, text, pattern, opaque) as RGBA layers placed on a photo, and `solid`
(opaque marks anywhere) for inpainting runs.
Split out of data.py; `Assets(split)` reads the split's fonts and logos through it.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

KINDS = ["text", "logo", "pattern"]  # kind_logits channel order (manifest `kinds`)

_WORDS = ["photo", "stock", "image", "studio", "pixel", "lens", "frame", "shot", "view", "art", "media",
          "visual", "snap", "light", "north", "blue", "urban", "wild", "dream", "prime", "alpha", "nova"]
_TLDS = [".com", ".net", ".io", ".de", ".co.uk", ".fr", ".org", ".photo"]
_NAMES = ["Anna Berg", "J. Smith", "M. Rossi", "Lee Chen", "K. Novak", "Sara Diaz", "Tom Hale", "Ivy Park"]


def random_text(rng: np.random.Generator) -> str:
    w = lambda: _WORDS[rng.integers(len(_WORDS))]
    site = w() + (w() if rng.random() < 0.6 else str(rng.integers(1, 999)))
    year = str(rng.integers(1995, 2027))
    options = [
        lambda: f"© {_NAMES[rng.integers(len(_NAMES))]} {year}",
        lambda: f"© {site}{_TLDS[rng.integers(len(_TLDS))]}",
        lambda: f"www.{site}{_TLDS[rng.integers(len(_TLDS))]}",
        lambda: f"https://{site}{_TLDS[rng.integers(len(_TLDS))]}",
        lambda: f"ID {rng.integers(10**5, 10**9)}",
        lambda: f"{site.capitalize()}",
        lambda: f"{site.upper()}",
        lambda: f"@{site}",
        lambda: f"Image #{rng.integers(1000, 99999)} {site}{_TLDS[rng.integers(len(_TLDS))]}",
    ]
    return options[rng.integers(len(options))]()


def random_colour(rng: np.random.Generator) -> tuple[int, int, int]:
    r = rng.random()
    if r < 0.4:
        v = int(rng.integers(225, 256)); return (v, v, v)
    if r < 0.6:
        v = int(rng.integers(0, 40)); return (v, v, v)
    if r < 0.7:
        v = int(rng.integers(90, 180)); return (v, v, v)
    return tuple(int(c) for c in rng.integers(0, 256, 3))


class Assets:
    """Fonts and logos for one split, with a small in-memory logo cache."""

    def __init__(self, split: str):
        from data import list_fonts, list_logos  # data imports this module: resolve at call time

        self.fonts = list_fonts(split)
        self.logos = list_logos(split)
        self._logo_cache: dict[Path, Image.Image] = {}

    def logo(self, rng: np.random.Generator) -> Image.Image:
        """RGBA logo; one-colour simple-icons get a random colour, colour logos sometimes go flat."""
        if not self.logos:  # no cache prepared (smoke test without assets): a random ring
            im = Image.new("RGBA", (128, 128), (0, 0, 0, 0))
            ImageDraw.Draw(im).ellipse((8, 8, 120, 120), outline=random_colour(rng) + (255,), width=14)
            return im
        p = self.logos[rng.integers(len(self.logos))]
        if p not in self._logo_cache:
            if len(self._logo_cache) > 800:
                self._logo_cache.clear()
            self._logo_cache[p] = Image.open(p).convert("RGBA")
        im = self._logo_cache[p]
        if p.parent.name == "si" or rng.random() < 0.2:
            a = im.getchannel("A")
            im = Image.new("RGBA", im.size, random_colour(rng) + (255,))
            im.putalpha(a)
        return im

    def text(self, rng: np.random.Generator, px: int, text: str | None = None) -> Image.Image:
        """RGBA rendering of a random string, font size `px`, optional stroke and shadow."""
        font = ImageFont.truetype(self.fonts[rng.integers(len(self.fonts))], max(6, px))
        text = text or random_text(rng)
        stroke = int(rng.integers(1, max(2, px // 10) + 1)) if rng.random() < 0.3 else 0
        box = font.getbbox(text, stroke_width=stroke)
        pad = stroke + 4 + px // 6
        size = (box[2] - box[0] + 2 * pad, box[3] - box[1] + 2 * pad)
        fill_mask = Image.new("L", size, 0)
        ImageDraw.Draw(fill_mask).text((pad - box[0], pad - box[1]), text, font=font, fill=255)
        colour = random_colour(rng)
        rgb = Image.new("RGB", size, colour)
        alpha = fill_mask
        if stroke:
            full = Image.new("L", size, 0)
            ImageDraw.Draw(full).text((pad - box[0], pad - box[1]), text, font=font, fill=255, stroke_width=stroke)
            scol = tuple(255 - c for c in colour) if rng.random() < 0.7 else random_colour(rng)
            rgb = Image.composite(rgb, Image.new("RGB", size, scol), fill_mask)
            alpha = full
        if rng.random() < 0.25:  # drop shadow, drawn under the text in a darker colour
            off = max(1, px // 12)
            sh = alpha.filter(ImageFilter.GaussianBlur(max(0.5, px / 25)))
            sh = Image.fromarray((np.asarray(sh) * 0.6).astype(np.uint8))
            shifted = Image.new("L", size, 0)
            shifted.paste(sh, (off, off))
            shcol = (0, 0, 0) if sum(colour) > 300 else (255, 255, 255)
            rgb = Image.composite(rgb, Image.new("RGB", size, shcol), alpha)
            alpha = Image.fromarray(np.maximum(np.asarray(alpha), np.asarray(shifted)))
        out = rgb.convert("RGBA")
        out.putalpha(alpha)
        return out


def fit(im: Image.Image, long_side: float) -> Image.Image:
    s = max(4, long_side) / max(im.size)
    return im.resize((max(1, round(im.width * s)), max(1, round(im.height * s))), Image.BILINEAR)


def place(h: int, w: int, rgba: Image.Image, x: int, y: int, opacity: float):
    """Paste an RGBA patch at (x, y) into an empty layer. Returns W (H,W,3) and alpha (H,W)."""
    W = np.zeros((h, w, 3), np.float32)
    a = np.zeros((h, w), np.float32)
    arr = np.asarray(rgba, dtype=np.float32) / 255.0  # (h', w', 4)
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + rgba.width), min(h, y + rgba.height)
    if x1 <= x0 or y1 <= y0:
        return W, a
    patch = arr[y0 - y:y1 - y, x0 - x:x1 - x]
    W[y0:y1, x0:x1] = patch[..., :3]
    a[y0:y1, x0:x1] = patch[..., 3] * opacity
    return W, a


def random_pos(rng, h, w, im: Image.Image) -> tuple[int, int]:
    # Marks may hang over the border a little, as crops of real photos do.
    return (int(rng.integers(-im.width // 5, max(1, w - im.width * 4 // 5))),
            int(rng.integers(-im.height // 5, max(1, h - im.height * 4 // 5))))


def mark_clwd(rng, assets: Assets, h, w):
    logo = assets.logo(rng).rotate(float(rng.uniform(0, 360)), resample=Image.BILINEAR, expand=True)
    logo = fit(logo, rng.uniform(0.1, 0.5) * min(h, w) * 1.2)
    return [(*place(h, w, logo, *random_pos(rng, h, w, logo), rng.uniform(0.3, 0.7)), KINDS.index("logo"))]


def mark_text(rng, assets: Assets, h, w):
    im = assets.text(rng, int(rng.uniform(0.035, 0.12) * min(h, w)))
    if im.width > 0.95 * w:
        im = fit(im, 0.95 * w)
    r = rng.random()
    if r < 0.4:
        im = im.rotate(float(rng.uniform(-45, 45)), resample=Image.BILINEAR, expand=True)
    elif r < 0.5:
        im = im.rotate(float(rng.uniform(0, 360)), resample=Image.BILINEAR, expand=True)
    return [(*place(h, w, im, *random_pos(rng, h, w, im), rng.uniform(0.25, 0.9)), KINDS.index("text"))]


def mark_pattern(rng, assets: Assets, h, w):
    side = min(h, w)
    if rng.random() < 0.5:
        tile = fit(assets.logo(rng), rng.uniform(0.08, 0.22) * side)
    else:
        tile = assets.text(rng, int(rng.uniform(0.03, 0.07) * side))
    diag = int(math.hypot(h, w)) + 2 * max(tile.size)
    canvas = Image.new("RGBA", (diag, diag), (0, 0, 0, 0))
    sx, sy = tile.width * rng.uniform(1.2, 2.5), tile.height * rng.uniform(1.5, 4.0)
    stagger = rng.random() < 0.5
    for j, y in enumerate(np.arange(0, diag, sy)):
        off = (sx / 2 if stagger and j % 2 else 0)
        for x in np.arange(-sx, diag, sx):
            canvas.alpha_composite(tile, (int(x + off), int(y))) if 0 <= x + off else None
    canvas = canvas.rotate(float(rng.uniform(-60, 60)), resample=Image.BILINEAR)
    l, t = (diag - w) // 2, (diag - h) // 2
    canvas = canvas.crop((l, t, l + w, t + h))
    return [(*place(h, w, canvas, 0, 0, rng.uniform(0.15, 0.45)), KINDS.index("pattern"))]


def mark_opaque(rng, assets: Assets, h, w):
    if rng.random() < 0.5:  # corner logo (or text), nearly opaque
        im = fit(assets.logo(rng), rng.uniform(0.08, 0.25) * min(h, w)) if rng.random() < 0.7 else \
            assets.text(rng, int(rng.uniform(0.04, 0.08) * min(h, w)))
        m = int(rng.uniform(0.01, 0.05) * min(h, w))
        x = m if rng.random() < 0.5 else w - im.width - m
        y = m if rng.random() < 0.5 else h - im.height - m
        kind = "logo" if im.width < 2.5 * im.height else "text"
        return [(*place(h, w, im, x, y, rng.uniform(0.85, 1.0)), KINDS.index(kind))]
    bar_h = int(rng.uniform(0.06, 0.14) * h)
    y = h - bar_h if rng.random() < 0.75 else 0
    bar = Image.new("RGBA", (w, bar_h), random_colour(rng) + (255,))
    layers = [(*place(h, w, bar, 0, y, rng.uniform(0.55, 1.0)), KINDS.index("text"))]
    txt = assets.text(rng, int(bar_h * rng.uniform(0.45, 0.7)))
    if txt.width > 0.9 * w:
        txt = fit(txt, 0.9 * w)
    tx = int(rng.uniform(0.02, 0.98) * max(1, w - txt.width))
    layers.append((*place(h, w, txt, tx, y + (bar_h - txt.height) // 2, 1.0), KINDS.index("text")))
    return layers


def mark_solid(rng, assets: Assets, h, w):
    """An opaque mark anywhere (α = 1 where drawn; only the glyphs' anti-aliased edges and shadows are
    softer): the hole an inpainter fills, as in the fill benchmark's opaque family (text 28-64 px or a
    logo 40-80 px high on a 640 x 480 picture; here the same sizes relative to the short side)."""
    side = min(h, w)
    if rng.random() < 0.7:
        im = assets.text(rng, int(rng.uniform(0.058, 0.133) * side))
        if im.width > 0.95 * w:
            im = fit(im, 0.95 * w)
        if rng.random() < 0.3:
            im = im.rotate(float(rng.uniform(-30, 30)), resample=Image.BILINEAR, expand=True)
        kind = "text"
    else:
        im = fit(assets.logo(rng), rng.uniform(0.167, 0.333) * side)
        kind = "logo"
    im.putalpha(im.getchannel("A").point(lambda v: min(255, 2 * v)))  # see-through logos made opaque
    return [(*place(h, w, im, *random_pos(rng, h, w, im), 1.0), KINDS.index(kind))]


MARKERS = {"clwd": mark_clwd, "text": mark_text, "pattern": mark_pattern, "opaque": mark_opaque, "solid": mark_solid}
