"""Same models on a lent GPU (not used for the shipped models yet): bigger crops and batches.

Run there with `bash training/gpu_run.sh gpu` (see README "On a lent GPU"): it unpacks `.carry`
(photos, logos, fonts) and sets WM_PHOTOS / WM_LOGOS / WM_FONTS, since the machine has no
../shared and no fonts. 192² crops show more context for the inpainting branch; batch 64 as in the
H100 run noted in /work/shared/notes/blend-inversion.md. Time-boxed to fit the 10-minute device
call limit. WM_MAX_MINUTES / WM_BATCH / WM_WORKERS override the time box, batch and workers, for a
short CPU smoke test of the same path only.
"""
import os

from configs import TrainConfig

CONFIG = TrainConfig(
    name="gpu",
    crop=192,            # carried photos have a short side of 256: crops are drawn at a short side of 192-384
    batch=int(os.environ.get("WM_BATCH", 64)),  # 64 as in the H100 run; WM_BATCH: CPU smoke only
    lr=3e-3,             # bigger batch, less gradient noise: a little above the CPU recipe's 2e-3
    max_minutes=float(os.environ.get("WM_MAX_MINUTES", 8)),  # 8 + start-up + final val + copy < the 9.5-min call
    eval_every=500,      # ~6 evals in 8 min if 14 workers keep up (~6 batches/s)
    num_workers=int(os.environ.get("WM_WORKERS", 14)),  # synthesis is CPU-bound (~30-60 ms a 192² sample): 14 of 16 cores feed one GPU
    threads=2,           # the main process only drives the GPU; leave the cores to the workers
    photos=os.environ.get("WM_PHOTOS", TrainConfig.photos),  # the unpacked .carry photos there
    detector={"widths": [16, 24, 48, 96, 160], "full_res": 16},
    remover={"widths": [24, 32, 64, 112, 192], "full_res": 24, "prior": "pushpull", "gate": "learned"},  # v2 + gate, as cpu_rem3
)
