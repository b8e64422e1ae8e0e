"""Same models on a lent GPU (not used for the shipped models yet): bigger crops and batches.

192² crops show more context for the inpainting branch; batch 64 as in the H100 run noted in
/work/shared/notes/blend-inversion.md. Time-boxed to fit the 10-minute device call limit.
"""
from configs import TrainConfig

CONFIG = TrainConfig(
    name="gpu",
    crop=192,
    batch=64,
    lr=3e-3,
    max_minutes=8,
    eval_every=500,
    num_workers=12,      # synthesis is CPU-bound: 16 cores feed one GPU
    threads=4,
    detector={"widths": [16, 24, 48, 96, 160], "full_res": 16},
    remover={"widths": [24, 32, 64, 112, 192], "full_res": 24},
)
