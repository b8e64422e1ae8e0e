"""Hard-negative mining for the detector (issue 9): run a detector checkpoint over the TRAIN photos as
the app does (long side ≤ max-side, α̂ > τ) and list the photos where it flags more than --min-area of
a photo that carries no mark. Those are the picture content it takes for marks (product shots, jackets,
signs); a config draws them as clean negatives with `mined_negatives` / `mined_share`.

    /usr/bin/python3 training/mine_negatives.py --detector training/checkpoints/gpu-det3-best-detector.pt \
        --out training/splits/mined-gpu-det3.txt

Only train-split photos are read (val and test photos never train), so the list is safe to train on.
Output: a comment header, then "name area" lines, worst first.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

import data
from eval import detect
from export import load_checkpoint


def mine(det, photos: list[Path], max_side: int, tau: float) -> list[tuple[str, float]]:
    out = []
    for i, p in enumerate(photos):
        # At natural size, as the benchmarks' clean cases are (data.make_benchmark).
        out.append((p.name, float((detect(det, data.read_photo(p), max_side) > tau).mean())))
        if (i + 1) % 500 == 0:
            print(f"  {i + 1}/{len(photos)}", flush=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--detector", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--photos", type=Path, default=data.DEFAULT_PHOTOS)
    ap.add_argument("--max-side", type=int, default=256, help="the manifest's detector maxSide")
    ap.add_argument("--tau", type=float, default=0.4, help="the shipped α̂ threshold")
    ap.add_argument("--min-area", type=float, default=0.005, help="flagged share that makes a photo a hard negative")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    det, info = load_checkpoint(args.detector, "detector")
    photos = data.list_photos(args.photos, "train")
    rows = mine(det, photos, args.max_side, args.tau)
    hard = sorted((r for r in rows if r[1] > args.min_area), key=lambda r: -r[1])
    areas = np.array([a for _, a in rows])
    head = [f"# mine_negatives.py: {args.detector} ({info['config']} step {info['step']}), maxSide {args.max_side}, "
            f"τ {args.tau}: {len(hard)} of {len(rows)} train photos flagged over {100 * args.min_area:.1f} % "
            f"(mean flagged area {100 * areas.mean():.2f} %)"]
    args.out.write_text("\n".join(head + [f"{n} {a:.4f}" for n, a in hard]) + "\n")
    print(head[0][2:], "->", args.out)


if __name__ == "__main__":
    main()
