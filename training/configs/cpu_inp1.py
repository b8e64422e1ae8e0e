"""The remover taught to fill opaque marks only: an inpainter for the fill's routing (issue 13).

Why: issue 13 asks for the fill of opaque marks to reach 2 dB over Telea, with "the learned remover
where it measurably wins". The shipped remover was trained to invert blends; made to use its fill
branch alone (export --remover-gate 0.001,0.002), it scores 21.69 dB on the val fill bench's opaque
family against Telea's 26.73 and the patch fill's 28.07 (seed 77, 48 cases). Here it sees only
opaque marks (`solid`: text 28-64 px or a logo 40-80 px high at a 480-px short side, α = 1), the
request is the mark itself or grown by 1-2 px, never a box or a false region, and every loss but
the output's pushes it to the fill (α̂ -> 1 inside the mark). Photos at a short side of 320-576 px
(crop 128), as the bench's 640 x 480 pictures; JPEG as data.degrade draws it.

Result (session 33, not shipped, weights not kept): nothing learned. Val fill bench, opaque family
(seed 77, 48 cases: export with `--remover-gate=0.001,0.002`, the fill branch alone, into a copy of
public/models, then `npm run bench:quality -- --fill-only --seed 77 --fill-split val --no-speed
--models DIR`, "model" rows): from cpu-rem4 21.69 -> 24.97 dB at step 1,100 and 24.94 at 2,900
(`checkpoints/cpu-inp1-rem4-train.log`); fresh 24.39 at 2,000 (a first run) and 24.74 at 6,200 (29
minutes; `checkpoints/cpu-inp1-train.log`, val fPSNR flat at 17.5-17.8 while the α, colour and gate
losses fell 2.07 -> 0.30, 0.35 -> 0.09, 0.76 -> 0.27); the untrained net, i.e. its push-pull prior
alone, 25.51; Telea 26.73; the patch fill 28.07. On 64 val crops of its own kind (pooled fPSNR) the
fresh net at 2,000 steps is 20.84 dB against its prior's 20.97. ~240 steps a minute on two cores.
The GPU version is `gpu_inp1`.
"""
from dataclasses import replace

from configs.cpu_rem4 import CONFIG as REM4

CONFIG = replace(
    REM4,  # the shipped remover's recipe: remover only, batch 8 at 128², lr 1e-3, its nets
    name="cpu-inp1",
    init_from="",  # fresh; the first run started from checkpoints/cpu-rem4-last.pt (cpu-inp1-rem4-train.log)
    family_weights={"solid": 1.0},
    photo_scale=(2.5, 4.5),
    box_request=0.0,
    rmask_grow=(0, 3),
    rmask_false=0.0,
    max_minutes=75,
    patience=40,
    threads=2,
)
