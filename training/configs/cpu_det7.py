"""A second round of hard-negative mining on the CPU (session 15, 2026-12-04).

Why: issue 9; docs/quality.md "Session 15". cpu_det6 (gpu-det3 + 45 CPU minutes with the train photos
gpu-det3 flagged as half the clean negatives) cut test clean FP 0.42 -> 0.24 % and ships. Here the same
recipe goes on from cpu-det6 with the 494 train photos cpu-det6 still flags (splits/mined-cpu-det6.txt),
for 25 minutes at a lower peak lr.
"""
from dataclasses import replace

from configs.cpu_det6 import CONFIG as CPU_DET6

CONFIG = replace(
    CPU_DET6,  # batch 8 at 192², freeze_bn, clean 35 % with half mined
    name="cpu-det7",
    init_from="checkpoints/cpu-det6-best-detector.pt",
    lr=1e-4,
    max_minutes=25,
    mined_negatives="splits/mined-cpu-det6.txt",
)
