"""Train the detector and the remover jointly on on-the-fly synthetic data.

Both models see the same synthetic batch (synthesis is the CPU-expensive part, so
sharing it halves its cost). The detector regresses the true alpha map; the remover
gets the watermarked crop plus a (sloppy) dilated true mask.

    /usr/bin/python3 training/train.py --config cpu            # new run, or resumes runs/cpu/last.pt
    /usr/bin/python3 training/train.py --config smoke --fresh

Outputs in training/runs/<config.name>/: metrics.jsonl, last.pt (resumable: models, optimiser,
step, elapsed time), best-detector.pt, best-remover.pt (model args + weights + config).
"""
from __future__ import annotations

import argparse
import importlib
import json
import math
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, IterableDataset

import data
from configs import TrainConfig
from models import build, count_params, model_args, read_checkpoint

ROOT = Path(__file__).resolve().parent


def load_config(name: str) -> TrainConfig:
    return importlib.import_module(f"configs.{name}").CONFIG


def to_batch(samples: list[data.Sample], rng, box_p: float = 0.25, grow: tuple = (1, 7),
             false_p: float = 0.2) -> dict[str, torch.Tensor]:
    t = lambda xs: torch.from_numpy(np.stack(xs))
    return {
        "image": t([s.watermarked.transpose(2, 0, 1) for s in samples]),    # (B, 3, S, S)
        "clean": t([s.clean.transpose(2, 0, 1) for s in samples]),          # (B, 3, S, S)
        "alpha": t([s.alpha[None] for s in samples]),                       # (B, 1, S, S)
        "colour": t([s.colour.transpose(2, 0, 1) for s in samples]),        # (B, 3, S, S)
        "mask": t([s.mask[None] for s in samples]),                         # (B, 1, S, S)
        "kind": t([s.kind for s in samples]),                               # (B, S, S) int64, -1 = none
        "rmask": t([data.remover_mask(rng, s.mask, box_p, grow, false_p)[None] for s in samples]),  # (B, 1, S, S)
    }


def mined_names(cfg: TrainConfig) -> list[str]:
    """The photo names of cfg.mined_negatives (mine_negatives.py: a '#' header, then "name area" lines)."""
    lines = (ROOT / cfg.mined_negatives).read_text().splitlines() if cfg.mined_negatives else []
    return [ln.split()[0] for ln in lines if ln.strip() and not ln.startswith("#")]


def make_synth(cfg: TrainConfig, split: str) -> data.Synth:
    return data.Synth(Path(cfg.photos), split, cfg.family_weights, cfg.photo_scale, cfg.hard_negative_share,
                      mined_names(cfg), cfg.mined_share)


def train_mode(cfg: TrainConfig, det, rem) -> None:
    """Both nets in training mode, except a frozen detector (remover-only runs) and, with freeze_bn,
    the detector's BatchNorm layers, which keep their running statistics."""
    det.train(); rem.train()
    if not cfg.train_detector:
        det.eval()
    elif cfg.freeze_bn:
        for m in det.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.eval()


class SynthStream(IterableDataset):
    def __init__(self, cfg: TrainConfig, split: str = "train"):
        self.cfg, self.split = cfg, split

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        wid = info.id if info else 0
        rng = np.random.default_rng([self.cfg.seed, wid, int(time.time() * 1000) % 2**31])
        synth = make_synth(self.cfg, self.split)
        while True:
            yield to_batch([synth.sample(rng, crop=self.cfg.crop) for _ in range(self.cfg.batch)], rng,
                           self.cfg.box_request, self.cfg.rmask_grow, self.cfg.rmask_false)


def fixed_val(cfg: TrainConfig) -> list[dict[str, torch.Tensor]]:
    synth = make_synth(cfg, "val")
    rng = np.random.default_rng(12345)
    samples = [synth.sample(rng, crop=cfg.crop) for _ in range(cfg.val_samples)]
    rng = np.random.default_rng(54321)
    return [to_batch(samples[i:i + cfg.batch], rng) for i in range(0, len(samples), cfg.batch)]


def masked_l1(x, y, w):
    return ((x - y).abs() * w).sum() / (w.sum() * x.shape[1] / w.shape[1] + 1e-6)


def balanced_bce(pred, target, region, pos_share: float):
    """BCE(α̂, α) averaged separately over marked (α > 0.02) and unmarked pixels of `region`, mixed
    pos_share : 1 − pos_share. Why: with marks covering a few % of pixels (and less than half of a
    dilated request mask), a plain mean — and any L1 — is minimised early by α̂ ≈ 0 everywhere: the
    identity plateau seen in the first CPU run (α̂ ≈ 0.02 inside marks after 675 steps)."""
    bce = F.binary_cross_entropy(pred.clamp(1e-6, 1 - 1e-6), target, reduction="none")  # (B, 1, H, W)
    pos = (target > 0.02).float() * region
    neg = (target <= 0.02).float() * region
    mean = lambda w: (bce * w).sum() / (w.sum() + 1e-6)
    return pos_share * mean(pos) + (1 - pos_share) * mean(neg)


def soft_dice(pred, target):
    """1 − soft Dice between α̂ and α over the batch: an overlap loss, indifferent to how rare marks are."""
    return 1 - 2 * (pred * target).sum() / ((pred ** 2).sum() + (target ** 2).sum() + 1e-6)


def det_target(cfg: TrainConfig, alpha: torch.Tensor) -> torch.Tensor:
    """What the detector learns to output: α itself, or with det_alpha_full > 0, α / det_alpha_full capped
    at 1 (a presence target: a faint mark is as much "a mark here" as an opaque one)."""
    return alpha if cfg.det_alpha_full <= 0 else (alpha / cfg.det_alpha_full).clamp(max=1.0)


def losses(cfg: TrainConfig, det, rem, b, progress: float) -> dict[str, torch.Tensor]:
    if not cfg.train_detector:
        return remover_losses(cfg, rem, b, progress)
    alpha_hat, kind_logits = det(b["image"])                         # (B,1,S,S), (B,3,S,S)
    w_pos = 1 + (cfg.det_pos_weight - 1) * b["mask"]
    target = det_target(cfg, b["alpha"])
    det_l1 = (w_pos * (alpha_hat - target).abs()).mean()
    everywhere = torch.ones_like(b["alpha"])
    det_bce = balanced_bce(alpha_hat, target, everywhere, cfg.det_pos_share)
    det_dice = soft_dice(alpha_hat, target)
    kind = F.cross_entropy(kind_logits, b["kind"], ignore_index=-1) if (b["kind"] >= 0).any() else det_l1 * 0

    det_total = det_l1 + cfg.det_bce_weight * det_bce + cfg.det_dice_weight * det_dice + cfg.kind_weight * kind
    parts = {"det_l1": det_l1, "det_bce": det_bce, "det_dice": det_dice, "kind_ce": kind}
    if not cfg.train_remover:
        return {"loss": det_total, **parts}
    rem_parts = remover_losses(cfg, rem, b, progress)
    return {**rem_parts, **parts, "loss": det_total + rem_parts["loss"]}


def remover_losses(cfg: TrainConfig, rem, b, progress: float) -> dict[str, torch.Tensor]:
    clean, ra, rw, fill, inv, gate = rem(b["image"], b["rmask"], return_parts=True)
    f = min(1.0, progress / cfg.alpha_weight_frac)  # heavy alpha loss early: escapes the identity plateau
    aw = cfg.alpha_weight_start + (cfg.alpha_weight_end - cfg.alpha_weight_start) * f
    m = b["rmask"]
    rem_alpha = masked_l1(ra, b["alpha"], m) + balanced_bce(ra, b["alpha"], m, 0.5)
    rem_colour = masked_l1(rw, b["colour"], (b["alpha"] > 0.05).float())
    rem_out = masked_l1(clean, b["clean"], m)
    rem_fill = masked_l1(fill, b["clean"], m * (b["alpha"] > 0.6).float())
    total = aw * rem_alpha + cfg.colour_weight * rem_colour + rem_out + cfg.fill_weight * rem_fill
    parts = {"rem_alpha": rem_alpha, "rem_colour": rem_colour, "rem_out": rem_out, "rem_fill": rem_fill}
    if rem.args.gate:
        # The gate's target per pixel: 1 (use the fill) where the fill is closer to the truth than the inversion.
        with torch.no_grad():
            target = ((fill - b["clean"]).abs().sum(1, keepdim=True)
                      < (inv - b["clean"]).abs().sum(1, keepdim=True)).float()
        rem_gate = F.binary_cross_entropy(gate.clamp(1e-6, 1 - 1e-6), target, weight=m, reduction="sum") \
            / (m.sum() + 1e-6)
        total = total + cfg.gate_weight * rem_gate
        parts["rem_gate"] = rem_gate
    return {"loss": total, **parts}


@torch.no_grad()
def validate(cfg: TrainConfig, det, rem, val) -> dict[str, float]:
    det.eval(); rem.eval()
    ths = cfg.det_thresholds
    tp, fp, fn = np.zeros(len(ths)), np.zeros(len(ths)), np.zeros(len(ths))
    se_in, n_in, se_id = 0.0, 0.0, 0.0
    for b in val:
        a, _ = det(b["image"])
        gt = b["mask"] > 0
        for i, t in enumerate(ths):
            p = a > t
            tp[i] += (p & gt).sum().item(); fp[i] += (p & ~gt).sum().item(); fn[i] += (~p & gt).sum().item()
        m = b["mask"]
        # Remover with a fixed 5-px dilation of the true mask, the request a good detector would send.
        req = F.max_pool2d(m, 5, 1, 2)
        out = rem(b["image"], req)
        se_in += (((out - b["clean"]) ** 2) * m).sum().item()
        se_id += (((b["image"] - b["clean"]) ** 2) * m).sum().item()
        n_in += m.sum().item() * 3
    train_mode(cfg, det, rem)
    iou = tp / np.maximum(tp + fp + fn, 1)
    f1 = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    best = int(np.argmax(iou))
    psnr = lambda se: 10 * math.log10(1 / max(se / max(n_in, 1), 1e-10))
    return {"det_iou": float(iou[best]), "det_f1": float(f1[best]), "det_threshold": ths[best],
            "det_iou@0.5": float(iou[-1]), "rem_fpsnr": psnr(se_in), "input_fpsnr": psnr(se_id)}


def cpu_state(m: torch.nn.Module) -> dict:
    """state_dict on the CPU: checkpoints from a GPU run load on the CPU-only dev machines (eval.py)."""
    return {k: v.detach().cpu() for k, v in m.state_dict().items()}


def load_overlapping(model: torch.nn.Module, state: dict) -> None:
    """Load `state` where names and ranks match, copying the overlapping slice where a tensor grew
    (e.g. one more output channel). New parameters keep their own initialisation; a tensor with
    another rank (e.g. a different input-channel design) is skipped."""
    own = model.state_dict()
    with torch.no_grad():
        for k, v in state.items():
            if k in own and own[k].dim() == v.dim():
                sl = tuple(slice(0, min(a, b)) for a, b in zip(own[k].shape, v.shape))
                if own[k].dim() == 0:
                    own[k].copy_(v)
                else:
                    own[k][sl].copy_(v[sl])
    model.load_state_dict(own)


class JsonlLogger:
    """Callback: appends every logged dict to runs/<name>/metrics.jsonl and prints a short line."""

    def __init__(self, path: Path):
        self.path = path

    def __call__(self, trainer: "Trainer", record: dict):
        with self.path.open("a") as f:
            f.write(json.dumps(record) + "\n")
        keys = [k for k in ("step", "min", "loss", "det_l1", "rem_alpha", "rem_out", "det_iou", "det_threshold",
                            "rem_fpsnr", "input_fpsnr") if k in record]
        print(" ".join(f"{k}={record[k]:.4g}" if isinstance(record[k], float) else f"{k}={record[k]}"
                       for k in keys), flush=True)


class Trainer:
    def __init__(self, cfg: TrainConfig, fresh: bool = False, callbacks=()):
        self.cfg = cfg
        torch.set_num_threads(cfg.threads)
        torch.manual_seed(cfg.seed)
        self.dir = ROOT / "runs" / cfg.name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.det = build("detector", cfg.detector).to(self.device)
        self.rem = build("remover", cfg.remover).to(self.device)
        params = (list(self.det.parameters()) if cfg.train_detector else []) \
            + (list(self.rem.parameters()) if cfg.train_remover else [])
        self.opt = torch.optim.AdamW(params,
                                     lr=cfg.lr, weight_decay=cfg.weight_decay)
        self.step, self.elapsed, self.best = 0, 0.0, {"det_iou": -1.0, "rem_fpsnr": -1.0}
        self.stale = 0
        self.callbacks = list(callbacks) or [JsonlLogger(self.dir / "metrics.jsonl")]
        if not fresh and (self.dir / "last.pt").exists():
            self.resume(self.dir / "last.pt")
        elif cfg.init_from:  # weights only: a new run (own schedule, optimiser) from another run's state
            ck = read_checkpoint(ROOT / cfg.init_from)
            if ck.get("kind") in ("detector", "remover"):  # a best-*.pt holds one model; the other starts fresh
                (self.det if ck["kind"] == "detector" else self.rem).load_state_dict(ck["state"])
            else:
                self.det.load_state_dict(ck["detector"]["state"])
                load_overlapping(self.rem, ck["remover"]["state"])  # a new design keeps what fits (see there)
            print(f"initialised from {cfg.init_from} (step {ck['step']})")

    def progress(self) -> float:
        return min(1.0, max(self.step / self.cfg.max_steps, self.elapsed / (60 * self.cfg.max_minutes)))

    def lr(self) -> float:
        warm = min(1.0, (self.step + 1) / self.cfg.warmup_steps)
        return self.cfg.lr * warm * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * self.progress())))

    def state(self) -> dict:
        return {"config": asdict(self.cfg), "step": self.step, "elapsed": self.elapsed, "best": self.best,
                "stale": self.stale, "optimizer": self.opt.state_dict(),
                "detector": {"args": model_args(self.det), "state": cpu_state(self.det)},
                "remover": {"args": model_args(self.rem), "state": cpu_state(self.rem)}}

    def save(self, path: Path, state: dict | None = None) -> None:
        tmp = path.with_suffix(".tmp")
        torch.save(state or self.state(), tmp)
        tmp.replace(path)  # atomic: export may read checkpoints while training writes them

    def save_best(self, kind: str, metrics: dict) -> None:
        m = self.det if kind == "detector" else self.rem
        self.save(self.dir / f"best-{kind}.pt", {"kind": kind, "args": model_args(m), "state": cpu_state(m),
                                                  "config": asdict(self.cfg), "step": self.step,
                                                  "elapsed": self.elapsed, "metrics": metrics})

    def resume(self, path: Path) -> None:
        ck = read_checkpoint(path)
        self.det.load_state_dict(ck["detector"]["state"]); self.rem.load_state_dict(ck["remover"]["state"])
        self.opt.load_state_dict(ck["optimizer"])
        self.step, self.elapsed, self.best, self.stale = ck["step"], ck["elapsed"], ck["best"], ck["stale"]
        print(f"resumed {path} at step {self.step} ({self.elapsed / 60:.1f} min)")

    def emit(self, record: dict) -> None:
        for cb in self.callbacks:
            cb(self, record)

    def evaluate(self, val) -> bool:
        """Validate, keep best checkpoints; returns True when early stopping triggers."""
        m = validate(self.cfg, self.det, self.rem, val)
        improved = False
        if m["det_iou"] > self.best["det_iou"]:
            self.best["det_iou"] = m["det_iou"]; self.save_best("detector", m); improved = True
        if m["rem_fpsnr"] > self.best["rem_fpsnr"]:
            self.best["rem_fpsnr"] = m["rem_fpsnr"]; self.save_best("remover", m); improved = True
        self.stale = 0 if improved else self.stale + 1
        self.emit({"step": self.step, "min": self.elapsed / 60, "split": "val", **m})
        return self.stale >= self.cfg.patience

    def fit(self) -> None:
        cfg = self.cfg
        print(f"detector {count_params(self.det)} params, remover {count_params(self.rem)} params, on {self.device}")
        dev = lambda b: {k: v.to(self.device, non_blocking=True) for k, v in b.items()}
        val = [dev(b) for b in fixed_val(cfg)]
        loader = DataLoader(SynthStream(cfg), batch_size=None, num_workers=cfg.num_workers,
                            persistent_workers=cfg.num_workers > 0, pin_memory=self.device.type == "cuda")
        train_mode(cfg, self.det, self.rem)
        t0, run = time.time() - self.elapsed, {}
        for b in loader:
            if self.step >= cfg.max_steps or self.elapsed >= 60 * cfg.max_minutes:
                break
            b = dev(b)
            for g in self.opt.param_groups:
                g["lr"] = self.lr()
            ls = losses(cfg, self.det, self.rem, b, self.progress())
            self.opt.zero_grad(set_to_none=True)
            ls["loss"].backward()
            torch.nn.utils.clip_grad_norm_(list(self.det.parameters()) + list(self.rem.parameters()), 1.0)
            self.opt.step()
            self.step += 1
            self.elapsed = time.time() - t0
            for k, v in ls.items():
                run[k] = run.get(k, 0.0) * 0.9 + v.item() * 0.1 if k in run else v.item()
            if self.step % 25 == 0:
                self.emit({"step": self.step, "min": self.elapsed / 60, "split": "train", "lr": self.lr(), **run})
            if self.step % cfg.ckpt_every == 0:
                self.save(self.dir / "last.pt")
            if self.step % cfg.eval_every == 0 and self.evaluate(val):
                print("early stop: no val improvement for", cfg.patience, "evals")
                break
        self.evaluate(val)
        self.save(self.dir / "last.pt")
        print(f"done: {self.step} steps, {self.elapsed / 60:.1f} min, best {self.best}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="cpu")
    ap.add_argument("--fresh", action="store_true", help="ignore runs/<name>/last.pt")
    args = ap.parse_args()
    Trainer(load_config(args.config), fresh=args.fresh).fit()
