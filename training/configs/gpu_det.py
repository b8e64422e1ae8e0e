"""Detector-only continuation on a lent GPU (session 14, 2026-12-04: the first GPU this project got).

Why: issue 9. The shipped detector (cpu-det2, 163k params) saw ~17k CPU steps of batch 8 at 128²;
one 8-minute GPU call synthesises about as many samples again at 192² (batch 64, 14 synthesis
workers), so this continues the shipped weights with more context per crop instead of starting a
new design from scratch (one call leaves no room to find out whether a fresh, wider net converges).
Clean negatives 28 %, 40 % of them text-rich: between cpu_det2 (25 %, none) and cpu_det3 (30 %,
half), whose tighter masks left part of the e2e fixture's ink uncovered. photo_scale stays (1, 2):
the detector runs on the whole image at a long side of 256 (manifest maxSide), and the remover is
not trained here because it wants full-resolution marks (cpu_rem4: (1, 5)).
Run there: `bash training/gpu_run.sh gpu_det` (README "On a lent GPU").
"""
import os

from configs import TrainConfig
from configs.cpu import CONFIG as JOINT

CONFIG = TrainConfig(
    name="gpu-det",
    init_from="checkpoints/cpu-det2-best-detector.pt",
    train_remover=False,
    crop=192,
    batch=int(os.environ.get("WM_BATCH", 64)),
    lr=1e-3,             # trained weights, new optimiser: cpu_det2's peak
    warmup_steps=100,
    max_minutes=float(os.environ.get("WM_MAX_MINUTES", 8)),
    eval_every=250,
    patience=20,
    val_samples=192,     # two val batches of 96: more stable det_iou for picking the best step
    num_workers=int(os.environ.get("WM_WORKERS", 14)),
    threads=2,
    photos=os.environ.get("WM_PHOTOS", TrainConfig.photos),
    family_weights={"clwd": 0.26, "text": 0.2, "pattern": 0.13, "opaque": 0.13, "clean": 0.28},
    hard_negative_share=0.4,
    detector=JOINT.detector,
    remover=JOINT.remover,
)
