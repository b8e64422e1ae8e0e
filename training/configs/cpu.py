"""The shipped models: a ~95-minute joint run on 1 CPU thread (+1 synthesis worker).

Widths are chosen for compute, not parameters: the budget allows 5M params, but a 2-core
CPU gets ~1 step/s only if the full-resolution and 1/2-resolution stages stay thin (16-24
channels). Deep stages (1/16, 1/32) are cheap, so they get the width.
"""
from configs import TrainConfig

CONFIG = TrainConfig(
    name="cpu",
    crop=128,
    batch=8,
    max_minutes=95,  # time box: launched ~10:33 UTC, ends ~12:10, before the 12:40 export deadline
    eval_every=250,
    detector={"widths": [16, 24, 48, 96, 160], "full_res": 16},
    remover={"widths": [24, 32, 64, 112, 192], "full_res": 24},
)
