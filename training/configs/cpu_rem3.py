"""Remover v2 with a learned gate, continued from `cpu_rem2` (remover only, one CPU thread).

Why: after 1,500 steps of `cpu_rem2` its inversion made the val fPSNR worse than the push-pull
fill it started from (11.7 against 16.2 dB; input 11.5, OpenCV Telea 16.3). A wrong α̂ or Ŵ,
inverted, is worse than inpainting. The learned gate starts at the fill and is trained towards
"use the inversion only where it is closer to the truth". Weights that fit are kept from
`cpu-rem2/last.pt` (all but the new gate channel).
"""
from configs import TrainConfig
from configs.cpu_rem2 import CONFIG as REM2

CONFIG = TrainConfig(
    name="cpu-rem3",
    init_from="runs/cpu-rem2/last.pt",
    train_detector=False,
    crop=128,
    batch=8,
    lr=1.5e-3,
    warmup_steps=50,
    max_minutes=88,      # launched 13:25 UTC, ends ~14:53 with cpu_det2
    eval_every=250,
    patience=20,
    alpha_weight_start=2.0,  # α̂ is past its plateau; the output and the gate now matter more
    alpha_weight_end=1.0,
    alpha_weight_frac=0.5,
    detector=REM2.detector,
    remover={**REM2.remover, "gate": "learned"},
)
