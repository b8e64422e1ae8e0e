"""The next lent-GPU detector run (written in session 15, not run yet): gpu_det3 with mined negatives.

Why: docs/quality.md "Session 15". gpu-det3 (from cpu-det2, every font, 9 min on an H200) led the
shipped cpu-det2 on val but flagged 1.29 % of clean test photos against 0.42 %: whole product shots
read as opaque marks. Here half of the clean negatives (35 % of samples) are the train photos gpu-det3
flags (`splits/mined-gpu-det3.txt`, `mine_negatives.py`), starting from gpu-det3's best.
Pack with them: `MINED=training/splits/mined-gpu-det3.txt bash training/pack_carry.sh`, then run there
`bash training/gpu_run.sh gpu_det4` (carry [".carry"], timeout_s 600, WM_MAX_MINUTES=9 TRAIN_TIMEOUT=583).
"""
from dataclasses import replace

from configs.cpu_det6 import CONFIG as CPU_DET6
from configs.gpu_det3 import CONFIG as GPU_DET3

CONFIG = replace(
    GPU_DET3,  # batch 64 at 192², 14 workers, lr 1e-3, val_samples 192, every font
    name="gpu-det4",
    init_from="checkpoints/gpu-det3-best-detector.pt",
    lr=5e-4,
    family_weights=CPU_DET6.family_weights,
    mined_negatives=CPU_DET6.mined_negatives,
    mined_share=CPU_DET6.mined_share,
)
