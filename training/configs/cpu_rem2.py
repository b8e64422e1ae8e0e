"""Remover v2 (push-pull prior), remover only, on one CPU thread beside `cpu_det2`.

Why a new design rather than more steps of v1: after 2,796 joint steps v1 gained only +0.2 dB
fPSNR with the true mask, while plain Telea gained +3.5 dB. v1 starts at the identity (α̂ ≈ 0)
and has to learn inpainting from scratch. v2 computes a push-pull fill B of the masked region
inside its graph and starts as that inpainter; the net then only has to learn where the mark
is semi-transparent (from J − B ≈ α(W − I)) and invert it there. Remover-only steps skip the
detector's forward and backward, so this run gets more remover updates per minute.
"""
from configs import TrainConfig
from configs.cpu import CONFIG as JOINT

CONFIG = TrainConfig(
    name="cpu-rem2",
    train_detector=False,
    crop=128,
    batch=8,
    lr=2e-3,
    warmup_steps=100,
    max_minutes=125,     # launched 12:47 UTC, ends ~14:52 with cpu_det2
    eval_every=250,
    patience=20,         # only rem_fpsnr can improve in a remover-only run
    # Start with the alpha loss heavy but not as heavy as v1: v2 starts at the inpainter, not the identity.
    alpha_weight_start=4.0,
    alpha_weight_end=1.0,
    alpha_weight_frac=0.5,
    detector=JOINT.detector,
    remover={**JOINT.remover, "prior": "pushpull"},
)
