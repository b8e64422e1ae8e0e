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
import json
import math
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

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

from marks import KINDS, MARKERS, Assets, fit, place, random_colour, random_pos, random_text  # noqa: E402,F401  (re-exported)



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


def remover_mask(rng, mask: np.ndarray, box_p: float = 0.25, grow: tuple = (1, 7),
                 false_p: float = 0.2) -> np.ndarray:
    """The region the remover is asked to fix: the true mask dilated, sometimes sloppy (boxes,
    extra false blobs) to mimic detector output; random regions on clean images.
    box_p: share of box-shaped requests. Half of those box whole lines (letters merged first by a
    wide closing), as the text detector's regions and quick user boxes do; the rest box each blob.
    grow: the dilation's radius in px is drawn from [lo, hi) (0: the true mask itself).
    false_p: share of marked samples that also get a false region."""
    h, w = mask.shape
    m = mask.astype(np.uint8)
    if m.any():
        k = int(rng.integers(*grow)) * 2 + 1
        m = cv2.dilate(m, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        if rng.random() < box_p:  # box-shaped request
            merged = m
            if rng.random() < 0.5:  # around whole lines: merge neighbouring letters first
                kw = int(rng.integers(4, 16)) * 2 + 1
                merged = cv2.dilate(m, cv2.getStructuringElement(cv2.MORPH_RECT, (kw, max(3, kw // 3))))
            n, _, stats, _ = cv2.connectedComponentsWithStats(merged)
            for x, y, bw, bh, _ in stats[1:]:
                m[y:y + bh, x:x + bw] = 1
    if not mask.any() or rng.random() < false_p:  # a false region: the remover must leave it alone
        for _ in range(int(rng.integers(1, 3))):
            cx, cy = rng.integers(0, w), rng.integers(0, h)
            ax, ay = rng.integers(4, max(5, w // 4)), rng.integers(4, max(5, h // 6))
            cv2.ellipse(m, (int(cx), int(cy)), (int(ax), int(ay)), float(rng.uniform(0, 180)), 0, 360, 1, -1)
    return m.astype(np.float32)


def read_photo(path: Path) -> np.ndarray:
    """A photo at its natural size, RGB float32 in [0, 1] (the shared photos are ≤ 512 px on the short side)."""
    return cv2.cvtColor(cv2.imread(str(path), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB).astype(np.float32) / 255


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
                 scale: tuple[float, float] = (1.0, 2.0), hard_share: float = 0.0,
                 mined: Sequence[str] = (), mined_share: float = 0.0):
        self.photos = list_photos(photo_dir, split)
        # Hard negatives: text-rich photos (documents, screenshots, licence plates) for this share of clean samples.
        self.hard = [p for p in self.photos if p.name.startswith(TEXT_RICH)]
        self.hard_share = hard_share if self.hard else 0.0
        # Mined negatives (mine_negatives.py): photos of this split that a detector flagged, for mined_share.
        names = set(mined)
        self.mined = [p for p in self.photos if p.name in names]
        self.mined_share = mined_share if self.mined else 0.0
        self.scale = scale  # with a crop: the photo's short side is log-uniform in [lo·crop, hi·crop]
        self.assets = Assets(split)
        fw = family_weights or {"clwd": 0.3, "text": 0.22, "pattern": 0.15, "opaque": 0.15, "clean": 0.18}
        self.families, p = list(fw), np.array(list(fw.values()), np.float64)
        self.p = p / p.sum()

    def load(self, rng, crop: int | None, pool: list[Path] | None = None) -> np.ndarray:
        pool = pool or self.photos
        img = read_photo(pool[rng.integers(len(pool))])
        if crop is not None:  # scale so short side is in [lo·crop, hi·crop]: marks keep image-relative sizes
            lo, hi = self.scale
            s = crop * math.exp(rng.uniform(math.log(lo), math.log(hi))) / min(img.shape[:2])
            img = cv2.resize(img, (max(crop, round(img.shape[1] * s)), max(crop, round(img.shape[0] * s))),
                             interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
            if rng.random() < 0.5:
                img = img[:, ::-1].copy()
        return img

    def _negative_pool(self, rng) -> list[Path] | None:
        """Where a clean negative comes from: text-rich, mined, or (None) any photo of the split."""
        r = rng.random()
        if r < self.hard_share:
            return self.hard
        return self.mined if r < self.hard_share + self.mined_share else None

    def sample(self, rng: np.random.Generator, crop: int | None = None, family: str | None = None) -> Sample:
        family = family or self.families[rng.choice(len(self.families), p=self.p)]
        I = self.load(rng, crop, self._negative_pool(rng) if family == "clean" else None)
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
