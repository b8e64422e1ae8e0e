"""Detector-only continuation, run beside `cpu` on the second core for its last ~31 minutes.

Why: the detector is the bottleneck (notes: precision), and after 1700 joint steps its val IoU
was ~0.1 while the remover had left the identity plateau. A detector-only step costs ~40% of a
joint step, so this run gives the detector ~3x more updates in the remaining time. Starts from
the joint run's last.pt; export picks whichever best-detector.pt wins the val sweep.
"""
from configs import TrainConfig
from configs.cpu import CONFIG as JOINT

CONFIG = TrainConfig(
    name="cpu-det",
    init_from="runs/cpu/last.pt",
    train_remover=False,
    crop=128,
    batch=8,
    lr=1.5e-3,           # the joint run's lr at this point of its cosine schedule
    warmup_steps=20,     # short: the weights are already trained, only the optimiser state is new
    max_minutes=31,      # launched ~11:40 UTC, ends with the joint run (~12:11)
    eval_every=250,
    detector=JOINT.detector,
    remover=JOINT.remover,
)
