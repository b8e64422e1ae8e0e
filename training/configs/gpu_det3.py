"""The next lent-GPU detector run, ready to go (written in session 14, not run yet).

Why: docs/quality.md "Session 14". `gpu_det` / `gpu_det2` continued the shipped cpu-det2 on a GPU
and found more logos and opaque marks, but fewer text marks and more false positives on clean test
photos; their text was drawn in fonts-dejavu only. This is `gpu_det` again from cpu-det2, with every
font (pack_carry.sh now checks), without text-rich negatives (which cost small text in cpu_det3 and
gpu_det), with text at 30 % and cpu_det2's 25 % plain clean photos.
Run there: `bash training/gpu_run.sh gpu_det3` (carry [".carry"], timeout_s 570). Then choose τ on
the seed-7 val sample (`eval.py --split val --seed 7 --n 100`), clean FP first.
"""
from dataclasses import replace

from configs.gpu_det import CONFIG as GPU_DET
from configs.gpu_det2 import CONFIG as GPU_DET2

CONFIG = replace(
    GPU_DET2,  # gpu_det2's mix of marks, no text-rich negatives; gpu_det's schedule, from cpu-det2
    name="gpu-det3",
    init_from="checkpoints/cpu-det2-best-detector.pt",
    lr=GPU_DET.lr,
    warmup_steps=GPU_DET.warmup_steps,
    max_minutes=GPU_DET.max_minutes,
)
