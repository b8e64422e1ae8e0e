"""Fourth detector-only continuation (session 5, 2026-12-03, no GPU): ~120 minutes on one thread.

Why: issue 9 asks for higher-resolution inputs for thin strokes. The detector runs on the whole
image resized to its manifest `maxSide` (256 today), where a thin semi-transparent stroke of a
large mark is sub-pixel, and every run so far saw photos at a short side of only 128-256 px
(`photo_scale` (1, 2)), so it is best at 256 and worse at 384 or 512 (the val sweeps). Here photos
are scaled to a short side of 128-512 px (log-uniform), the pixel sizes of marks in a 1,024-px
image run at maxSide 512, so the next sweep can pick a larger maxSide. Everything else as
`cpu_det3` (30 % clean, half of them text-rich), starting from its best checkpoint (step 11,000).
"""
from configs import TrainConfig
from configs.cpu_det3 import CONFIG as DET3

CONFIG = TrainConfig(
    name="cpu-det4",
    init_from="checkpoints/cpu-det3-best-detector.pt",
    train_remover=False,
    photo_scale=(1.0, 4.0),
    crop=128,
    batch=8,
    lr=5e-4,
    warmup_steps=50,
    max_minutes=120,
    eval_every=250,
    patience=20,
    family_weights=DET3.family_weights,
    hard_negative_share=DET3.hard_negative_share,
    detector=DET3.detector,
    remover=DET3.remover,
)
