"""A few steps on tiny crops: proves the pipeline runs end to end (test_smoke.py), not that it learns."""
from configs import TrainConfig

CONFIG = TrainConfig(
    name="smoke",
    crop=64,             # smallest crop that still has a 2x2 map at 1/32
    batch=2,
    max_steps=6,
    eval_every=3,
    ckpt_every=3,
    val_samples=4,
    num_workers=0,       # no worker start-up cost in a test
    threads=2,
    warmup_steps=2,
    detector={"widths": [8, 8, 8, 8, 8], "full_res": 8},
    remover={"widths": [8, 8, 8, 8, 8], "full_res": 8, "prior": "pushpull", "gate": "learned"},  # the shipped design
)
