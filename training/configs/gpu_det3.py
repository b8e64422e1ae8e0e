"""The next lent-GPU detector run, ready to go (written in session 14, not run yet).

Why: docs/quality.md "Session 14". `gpu_det` / `gpu_det2` continued the shipped cpu-det2 on a GPU
and found more logos and opaque marks, but fewer text marks and more false positives on clean test
photos; their text was drawn in fonts-dejavu only. This is `gpu_det` again from cpu-det2, with every
font (pack_carry.sh now checks), without text-rich negatives (which cost small text in cpu_det3 and
gpu_det), with text at 30 % and cpu_det2's 25 % plain clean photos.
Run there: `bash training/gpu_run.sh gpu_det3` (carry [".carry"], timeout_s 570). Then choose τ on
the seed-7 val sample (`eval.py --split val --seed 7 --n 100`), clean FP first.
"""
import os

from configs import TrainConfig
from configs.gpu_det import CONFIG as GPU_DET

CONFIG = TrainConfig(
    name="gpu-det3",
    init_from="checkpoints/cpu-det2-best-detector.pt",
    train_remover=False,
    crop=192,
    batch=int(os.environ.get("WM_BATCH", 64)),
    lr=1e-3,
    warmup_steps=100,
    max_minutes=float(os.environ.get("WM_MAX_MINUTES", 8)),
    eval_every=250,
    patience=20,
    val_samples=192,
    num_workers=int(os.environ.get("WM_WORKERS", 14)),
    threads=2,
    photos=os.environ.get("WM_PHOTOS", TrainConfig.photos),
    family_weights={"clwd": 0.22, "text": 0.3, "pattern": 0.11, "opaque": 0.12, "clean": 0.25},
    hard_negative_share=0.0,
    detector=GPU_DET.detector,
    remover=GPU_DET.remover,
)
