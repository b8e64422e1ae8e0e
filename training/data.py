"""Watermark synthesis: clean photo + randomised mark -> (watermarked, clean, alpha, W, mask).

Physics (see /work/shared/notes/blend-inversion.md):
    J = I·(1 − α) + W·α          composited FIRST, then degraded (JPEG / resize / noise).
The same degradation (same JPEG quality, same noise field) is applied to the clean
reference, so pixels the mark does not touch are identical in J and in the reference:
only the mark's pixels differ and a perfect remover can reach +inf PSNR outside them.

Families: clwd (colour logo, CLWD recipe), text, pattern (tiled), opaque (corner logo /
footer bar), clean (negatives). Splits are deterministic by md5 of the file name:
bucket < 5 -> val, < 10 -> test, else train; the same rule holds out ~10% of logos
and fonts, so val/test see photos, logos and fonts that training never saw.

CLI:
    python3 training/data.py --prepare-logos /tmp/wmassets/node_modules
    python3 training/data.py --write-splits [--photos DIR]
    python3 training/data.py --make-benchmark OUT_DIR --n 50 --seed 1234 [--split test]
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".cache"
SPLITS = ROOT / "splits"
# ../shared/data/photos beside the checkout (as on the dev machines and in CI); WM_PHOTOS overrides.
DEFAULT_PHOTOS = Path(os.environ.get("WM_PHOTOS", ROOT.parent.parent / "shared" / "data" / "photos"))
# Where fonts and the rasterised logos are read from; WM_FONTS / WM_LOGOS override both (a lent GPU
# machine has no /usr/share/fonts guaranteed and gets them unpacked from .carry: training/gpu_run.sh).
FONTS = Path(os.environ.get("WM_FONTS", "/usr/share/fonts"))
LOGOS = Path(os.environ.get("WM_LOGOS", CACHE / "logos"))
FAMILIES = ["clwd", "text", "pattern", "opaque", "clean"]
KINDS = ["text", "logo", "pattern"]  # kind_logits channel order (manifest `kinds`)
TEXT_RICH = ("synthetic-docs__", "openimages-lp__")  # file-name prefixes of the text-rich photos
MASK_THRESHOLD = 15 / 255  # CLWD: a pixel is "marked" if its summed channel change > 15/255


def split_of(name: str) -> str:
    bucket = int(hashlib.md5(name.encode()).hexdigest(), 16) % 100
    return "val" if bucket < 5 else "test" if bucket < 10 else "train"


def list_photos(photo_dir: Path, split: str) -> list[Path]:
    files = sorted(p for p in Path(photo_dir).iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    return [p for p in files if split_of(p.name) == split]


def list_fonts(split: str) -> list[str]:
    out = []
    for p in sorted(FONTS.rglob("*")):
        if p.suffix.lower() not in (".ttf", ".otf"):
            continue
        n = p.name
        # Noto core ships ~100 script-specific fonts without Latin glyphs (tofu); keep the Latin families.
        if "noto" in str(p).lower() and not n.startswith(("NotoSans-", "NotoSerif-", "NotoSansMono-")):
            continue
        if "Math" in n:
            continue
        if split_of(n) == split or (split == "val" and split_of(n) == "test"):
            out.append(str(p))
    return out


def list_logos(split: str) -> list[Path]:
    files = sorted(LOGOS.rglob("*.png"))
    held = ("val", "test")  # logos are few; val and test share the held-out 10%
    return [p for p in files if (split_of(p.name) in held) == (split in held)]


def prepare_logos(node_modules: Path, n_each: int = 350, side: int = 192) -> None:
    """Rasterise a deterministic subset of simple-icons (1-colour) and @iconify-json/logos (colour)."""
    out_si, out_ic = CACHE / "logos" / "si", CACHE / "logos" / "ic"
    out_si.mkdir(parents=True, exist_ok=True)
    out_ic.mkdir(parents=True, exist_ok=True)
    svgs = sorted((node_modules / "simple-icons" / "icons").glob("*.svg"))
    jobs = [(s.read_text(), out_si / (s.stem + ".png")) for s in svgs[:: max(1, len(svgs) // n_each)]]
    ic = json.loads((node_modules / "@iconify-json" / "logos" / "icons.json").read_text())
    names = sorted(ic["icons"])
    for name in names[:: max(1, len(names) // n_each)]:
        icon = ic["icons"][name]
        w, h = icon.get("width", ic.get("width", 256)), icon.get("height", ic.get("height", 256))
        svg = f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 {w} {h}">{icon["body"]}</svg>'
        jobs.append((svg, out_ic / (name + ".png")))
    for svg, dst in jobs:
        if dst.exists():
            continue
        r = subprocess.run(["rsvg-convert", "-a", "-w", str(side), "-h", str(side), "-f", "png"],
                           input=svg.encode(), capture_output=True)
        if r.returncode == 0:
            dst.write_bytes(r.stdout)
    print(f"logos: {len(list((CACHE / 'logos').rglob('*.png')))} PNGs in {CACHE / 'logos'}")


def write_splits(photo_dir: Path) -> None:
    SPLITS.mkdir(exist_ok=True)
    for split in ("val", "test"):
        names = [p.name for p in list_photos(photo_dir, split)]
        (SPLITS / f"{split}-photos.txt").write_text("\n".join(names) + "\n")
    held = [p.name for s in ("val", "test") for p in list_photos(photo_dir, s)]
    (SPLITS / "heldout-photos.txt").write_text("\n".join(sorted(held)) + "\n")
    print(f"splits: {len(held)} held-out photos written to {SPLITS}")


# ---------------------------------------------------------------- mark rendering

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


MARKERS = {"clwd": mark_clwd, "text": mark_text, "pattern": mark_pattern, "opaque": mark_opaque}


# ---------------------------------------------------------------- composite + degrade

def composite(I: np.ndarray, layers):
    """I (H,W,3) in [0,1]; layers [(W, a, kind)]. Returns J, alpha_eff, W_eff, kind map."""
    J = I.copy()
    keep = np.ones(I.shape[:2], np.float32)  # Π(1 − a_k)
    kind = np.full(I.shape[:2], -1, np.int64)
    for W, a, k in layers:
        J = J * (1 - a[..., None]) + W * a[..., None]
        keep *= 1 - a
        kind[a > 0.02] = k
    alpha = 1 - keep
    # Effective single-layer colour such that J = I(1 − α) + W·α still holds.
    W_eff = np.where(alpha[..., None] > 1e-3, (J - I * keep[..., None]) / np.maximum(alpha[..., None], 1e-3), 0)
    return J, alpha, np.clip(W_eff, 0, 1).astype(np.float32), kind


def degrade(images: list[np.ndarray], rng: np.random.Generator) -> list[np.ndarray]:
    """Same JPEG/resize/noise applied to every image in `images` (watermarked and clean)."""
    h, w = images[0].shape[:2]
    ops = []
    if rng.random() < 0.2:
        ops.append(("resize", rng.uniform(0.6, 0.9)))
    if rng.random() < 0.25:
        ops.append(("noise", rng.normal(0, rng.uniform(0.5, 3) / 255, (h, w, 3)).astype(np.float32)))
    for _ in range(int(rng.choice([0, 1, 1, 2]))):
        ops.append(("jpeg", int(rng.integers(60, 96))))
    out = []
    for im in images:
        im = np.clip(im, 0, 1)
        for op, v in ops:
            if op == "resize":
                small = cv2.resize(im, (max(8, int(w * v)), max(8, int(h * v))), interpolation=cv2.INTER_AREA)
                im = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
            elif op == "noise":
                im = np.clip(im + v, 0, 1)
            else:
                ok, buf = cv2.imencode(".jpg", (im * 255 + 0.5).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, v])
                im = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED).astype(np.float32) / 255
        out.append(im.astype(np.float32))
    return out


def remover_mask(rng, mask: np.ndarray, box_p: float = 0.25) -> np.ndarray:
    """The region the remover is asked to fix: the true mask dilated, sometimes sloppy (boxes,
    extra false blobs) to mimic detector output; random regions on clean images.
    box_p: share of box-shaped requests. Half of those box whole lines (letters merged first by a
    wide closing), as the text detector's regions and quick user boxes do; the rest box each blob."""
    h, w = mask.shape
    m = mask.astype(np.uint8)
    if m.any():
        k = int(rng.integers(1, 7)) * 2 + 1
        m = cv2.dilate(m, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        if rng.random() < box_p:  # box-shaped request
            merged = m
            if rng.random() < 0.5:  # around whole lines: merge neighbouring letters first
                kw = int(rng.integers(4, 16)) * 2 + 1
                merged = cv2.dilate(m, cv2.getStructuringElement(cv2.MORPH_RECT, (kw, max(3, kw // 3))))
            n, _, stats, _ = cv2.connectedComponentsWithStats(merged)
            for x, y, bw, bh, _ in stats[1:]:
                m[y:y + bh, x:x + bw] = 1
    if not mask.any() or rng.random() < 0.2:  # a false region: the remover must leave it alone
        for _ in range(int(rng.integers(1, 3))):
            cx, cy = rng.integers(0, w), rng.integers(0, h)
            ax, ay = rng.integers(4, max(5, w // 4)), rng.integers(4, max(5, h // 6))
            cv2.ellipse(m, (int(cx), int(cy)), (int(ax), int(ay)), float(rng.uniform(0, 180)), 0, 360, 1, -1)
    return m.astype(np.float32)


@dataclass
class Sample:
    watermarked: np.ndarray  # (H, W, 3) float32 [0,1], degraded
    clean: np.ndarray        # (H, W, 3) float32 [0,1], same degradation
    alpha: np.ndarray        # (H, W) float32, effective blend opacity
    colour: np.ndarray       # (H, W, 3) float32, effective mark colour W
    mask: np.ndarray         # (H, W) float32 {0,1}: summed channel change > 15/255
    kind: np.ndarray         # (H, W) int64, index into KINDS, -1 = no mark
    family: str


class Synth:
    """Draws samples from one split. `crop=None` keeps the photo at its natural size."""

    def __init__(self, photo_dir: Path, split: str, family_weights: dict[str, float] | None = None,
                 scale: tuple[float, float] = (1.0, 2.0), hard_share: float = 0.0):
        self.photos = list_photos(photo_dir, split)
        # Hard negatives: text-rich photos (documents, screenshots, licence plates) for this share of clean samples.
        self.hard = [p for p in self.photos if p.name.startswith(TEXT_RICH)]
        self.hard_share = hard_share if self.hard else 0.0
        self.scale = scale  # with a crop: the photo's short side is log-uniform in [lo·crop, hi·crop]
        self.assets = Assets(split)
        fw = family_weights or {"clwd": 0.3, "text": 0.22, "pattern": 0.15, "opaque": 0.15, "clean": 0.18}
        self.families, p = list(fw), np.array(list(fw.values()), np.float64)
        self.p = p / p.sum()

    def load(self, rng, crop: int | None, hard: bool = False) -> np.ndarray:
        pool = self.hard if hard else self.photos
        img = cv2.imread(str(pool[rng.integers(len(pool))]), cv2.IMREAD_COLOR)
        img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB).astype(np.float32) / 255
        if crop is not None:  # scale so short side is in [lo·crop, hi·crop]: marks keep image-relative sizes
            lo, hi = self.scale
            s = crop * math.exp(rng.uniform(math.log(lo), math.log(hi))) / min(img.shape[:2])
            img = cv2.resize(img, (max(crop, round(img.shape[1] * s)), max(crop, round(img.shape[0] * s))),
                             interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
            if rng.random() < 0.5:
                img = img[:, ::-1].copy()
        return img

    def sample(self, rng: np.random.Generator, crop: int | None = None, family: str | None = None) -> Sample:
        family = family or self.families[rng.choice(len(self.families), p=self.p)]
        I = self.load(rng, crop, hard=family == "clean" and rng.random() < self.hard_share)
        h, w = I.shape[:2]
        layers = [] if family == "clean" else MARKERS[family](rng, self.assets, h, w)
        J, alpha, colour, kind = composite(I, layers)
        mask = (np.abs(J - I).sum(-1) > MASK_THRESHOLD).astype(np.float32)
        if crop is not None:
            y, x = self._crop_origin(rng, mask, crop)
            sl = (slice(y, y + crop), slice(x, x + crop))
            I, J, alpha, colour, mask, kind = I[sl], J[sl], alpha[sl], colour[sl], mask[sl], kind[sl]
        J, I = degrade([J, I], rng)
        kind = np.where(mask > 0, kind, -1)
        return Sample(J, I, alpha.astype(np.float32), colour, mask, kind, family)

    @staticmethod
    def _crop_origin(rng, mask, crop):
        h, w = mask.shape
        ys, xs = np.nonzero(mask)
        if len(ys) and rng.random() < 0.7:  # centre most crops on a marked pixel
            i = rng.integers(len(ys))
            y = int(np.clip(ys[i] - rng.integers(0, crop), 0, h - crop))
            x = int(np.clip(xs[i] - rng.integers(0, crop), 0, w - crop))
            return y, x
        return int(rng.integers(0, h - crop + 1)), int(rng.integers(0, w - crop + 1))


def to_u8(x: np.ndarray) -> np.ndarray:
    return (np.clip(x, 0, 1) * 255 + 0.5).astype(np.uint8)


def make_benchmark(out_dir: Path, n: int, seed: int, split: str, photo_dir: Path) -> None:
    """n cases per watermark family plus n clean photos, at the photos' natural sizes."""
    synth = Synth(photo_dir, split)
    out_dir.mkdir(parents=True, exist_ok=True)
    index = []
    for fi, family in enumerate(FAMILIES):
        for i in range(n):
            rng = np.random.default_rng([seed, fi, i])
            s = synth.sample(rng, crop=None, family=family)
            case = out_dir / f"{family}_{i:03d}"
            case.mkdir(exist_ok=True)
            Image.fromarray(to_u8(s.watermarked)).save(case / "watermarked.png")
            Image.fromarray(to_u8(s.clean)).save(case / "clean.png")
            Image.fromarray(to_u8(s.mask)).save(case / "mask.png")
            Image.fromarray(to_u8(s.alpha)).save(case / "alpha.png")
            meta = {"family": family, "kind": [KINDS[k] for k in np.unique(s.kind) if k >= 0],
                    "height": int(s.mask.shape[0]), "width": int(s.mask.shape[1]), "seed": [seed, fi, i],
                    "split": split, "mask_area": float(s.mask.mean())}
            (case / "meta.json").write_text(json.dumps(meta))
            index.append({"case": case.name, **meta})
    (out_dir / "index.json").write_text(json.dumps(index, indent=1))
    print(f"benchmark: {len(index)} cases in {out_dir}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--photos", type=Path, default=DEFAULT_PHOTOS)
    ap.add_argument("--prepare-logos", type=Path, metavar="NODE_MODULES")
    ap.add_argument("--write-splits", action="store_true")
    ap.add_argument("--make-benchmark", type=Path, metavar="OUT_DIR")
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--split", default="test", choices=["val", "test"])
    args = ap.parse_args()
    if args.prepare_logos:
        prepare_logos(args.prepare_logos)
    if args.write_splits:
        write_splits(args.photos)
    if args.make_benchmark:
        make_benchmark(args.make_benchmark, args.n, args.seed, args.split, args.photos)
