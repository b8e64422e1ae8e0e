"""Fifth detector-only continuation (session 6, 2026-12-03, no GPU): ~110 minutes on one thread.

Why: issue 9 (thin strokes need more pixels). cpu-det4 (photos at a short side of 128-512 px)
plateaued at val IoU 0.297 on 128² crops. Here the crops grow to 160² so a thin stroke of a large
mark is seen with more of its context, with a lower peak learning rate (3e-4) since this refines
cpu-det4's best checkpoint (step 9,000). Everything else as `cpu_det4`.
"""
from configs import TrainConfig
from configs.cpu_det4 import CONFIG as DET4

CONFIG = TrainConfig(
    name="cpu-det5",
    init_from="checkpoints/cpu-det4-best-detector.pt",
    train_remover=False,
    photo_scale=DET4.photo_scale,
    crop=160,
    batch=8,
    lr=3e-4,
    warmup_steps=50,
    max_minutes=110,
    eval_every=250,
    patience=20,
    family_weights=DET4.family_weights,
    hard_negative_share=DET4.hard_negative_share,
    detector=DET4.detector,
    remover=DET4.remover,
)
