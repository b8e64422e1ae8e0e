"""The gated v2 remover, continued from `cpu_rem3` on marks of more pixel sizes.

Why: the app runs the remover at full resolution, but `cpu_rem2`/`cpu_rem3` only ever saw photos
scaled to a short side of 128-256 px, so text 4-30 px high. On the shipped-models fixture (a
56-px bold "© STOCK" at α 0.85) `cpu-rem3` step 1400 left the mark almost untouched (squared
error 113M against 116M for the input; Telea 12M). Photos here are scaled to a short side of
128-640 px (log-uniform), so marks span ~4-75 px. Validation uses the same range, so this run
picks its own best checkpoint.
"""
from configs import TrainConfig
from configs.cpu_rem3 import CONFIG as REM3

CONFIG = TrainConfig(
    name="cpu-rem4",
    init_from="runs/cpu-rem3/last.pt",
    train_detector=False,
    photo_scale=(1.0, 5.0),
    # From step 1,200 (14:19 UTC, resumed): half the requests are boxes, half of those around whole
    # lines. With a 380x80 box around that fixture's text it still left most of the mark (77M vs
    # 116M), while with a tight mask it removed nearly all of it (2.1M); the app's text regions are boxes.
    box_request=0.5,
    crop=128,
    batch=8,
    lr=1e-3,
    warmup_steps=30,
    max_minutes=62,      # launched 13:56 UTC, ends ~14:58
    eval_every=250,
    patience=20,
    alpha_weight_start=1.0,
    alpha_weight_end=1.0,
    detector=REM3.detector,
    remover=REM3.remover,
)
