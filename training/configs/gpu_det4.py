"""The next lent-GPU detector run (written in session 15, not run yet): the shipped cpu-det6 at batch
64 with the photos it still flags as mined negatives.

Why: docs/quality.md "Session 15". Mined negatives turned gpu-det3 (test clean FP 1.29 %) into
cpu-det6 (0.24 %, shipped) in 45 CPU minutes at batch 8. Here the same recipe runs at the GPU's batch
64: from cpu-det6, with the 494 train photos cpu-det6 still flags over 0.5 % (`splits/mined-cpu-det6.txt`,
`mine_negatives.py`) as half of the clean negatives (35 % of samples). BatchNorm trains again (batch 64).
Pack with them: `MINED=training/splits/mined-cpu-det6.txt bash training/pack_carry.sh`, then run there
`WM_MAX_MINUTES=9 TRAIN_TIMEOUT=583 bash training/gpu_run.sh gpu_det4` (carry [".carry"], timeout_s 600).
Choose on val as session 15 did (seed-7 n-100 eval at 256/0.4, then the engine's triage bench on val).
"""
from dataclasses import replace

from configs.cpu_det6 import CONFIG as CPU_DET6
from configs.gpu_det3 import CONFIG as GPU_DET3

CONFIG = replace(
    GPU_DET3,  # batch 64 at 192², 14 workers, val_samples 192, every font
    name="gpu-det4",
    init_from="checkpoints/cpu-det6-best-detector.pt",
    lr=5e-4,
    family_weights=CPU_DET6.family_weights,
    mined_negatives="splits/mined-cpu-det6.txt",
    mined_share=CPU_DET6.mined_share,
)
