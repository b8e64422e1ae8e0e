"""cpu-det6 taught to say "a mark is here" rather than "a mark of this opacity is here" (session 32).

Why: issue 9. The shipped detector regresses α, and the app keeps α̂ > 0.4 (τ, chosen on val for the
clean false-positive area before triage existed). A perfect α regressor would then miss every mark
fainter than 0.4, and the synthetic families draw pattern marks at α 0.15-0.45, clwd logos at 0.3-0.7
and text at 0.25-0.9. Lowering τ on today's detector trades those back for false positives (val, seed 99:
τ 0.2 raised clwd IoU after triage 0.032 -> 0.050 but text-rich clean area 0.21 -> 0.67 %), because α̂
ranks faint marks with the uncertain background. Here the target is α / 0.3 capped at 1 (config
`det_alpha_full`), so faint marks are pushed to the top of the ranking. Otherwise cpu_det7's recipe
(cpu-det6's weights, mined negatives cpu-det6 still flags, frozen BatchNorm statistics).
Session 32 stopped it after 23 minutes (5,675 steps) on a plateau; not shipped (docs/quality.md
"Session 32 (detection)").
"""
from dataclasses import replace

from configs.cpu_det6 import CONFIG as CPU_DET6

CONFIG = replace(
    CPU_DET6,  # batch 8 at 192², freeze_bn, clean 35 % with half mined
    name="cpu-det8",
    init_from="checkpoints/cpu-det6-best-detector.pt",
    det_alpha_full=0.3,
    lr=2e-4,
    max_minutes=55,
    mined_negatives="splits/mined-cpu-det6.txt",
    det_thresholds=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6),
)
