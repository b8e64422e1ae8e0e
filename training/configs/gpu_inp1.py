"""The next lent-GPU remover run (written in session 33, not run yet): an inpainter for opaque marks.

Why: issue 13. The patch fill reaches +1.06 dB over Telea on the fill bench's opaque family (test, 48
cases) against a target of 2; the classical changes tried since are in docs/quality.md ("Session 32",
"Session 33"). `cpu_inp1` and `cpu_inp2`, the same recipe on two CPU cores (234k parameters, batch 8 at 128²),
learned nothing their push-pull prior did not already give in ~6,000 steps (cpu_inp2, with the
output's and the fill's losses only, ended level with it). Here the same net (gpu.py's remover:
v2, push-pull prior and learned gate, 234,966 parameters) trained fresh on `solid` marks only, at
batch 64 and 192² crops: about four times the samples of the CPU run in 9 minutes.
Pack with `bash training/pack_carry.sh`, run there `WM_MAX_MINUTES=9 TRAIN_TIMEOUT=583 bash
training/gpu_run.sh gpu_inp1` (carry [".carry"], timeout_s 600). Then export best-remover.pt into a copy
of public/models (`export.py --only remover --out DIR`) and score it with
`npm run bench:quality -- --fill-only --seed 77 --fill-split val --no-speed --models DIR` ("model" rows).
The carried photos have a short side of 256: photo_scale keeps the upscaling mild (256-480 px).
"""
from dataclasses import replace

from configs.cpu_inp2 import CONFIG as CPU_INP2
from configs.gpu import CONFIG as GPU

CONFIG = replace(
    GPU,  # crop 192, batch 64, 14 workers, WM_* overrides, photos from WM_PHOTOS
    name="gpu-inp1",
    train_detector=False,
    family_weights=CPU_INP2.family_weights,
    photo_scale=(1.33, 2.5),
    box_request=CPU_INP2.box_request,
    rmask_grow=CPU_INP2.rmask_grow,
    rmask_false=CPU_INP2.rmask_false,
    lr=2e-3,
    val_samples=192,
    patience=40,
    alpha_weight_start=CPU_INP2.alpha_weight_start,  # cpu_inp2's losses: the output's and the fill's only
    alpha_weight_end=CPU_INP2.alpha_weight_end,
    colour_weight=CPU_INP2.colour_weight,
    gate_weight=CPU_INP2.gate_weight,
    fill_weight=CPU_INP2.fill_weight,
)
