"""cpu_inp1 with only the output's and the fill branch's losses (session 33).

Why: cpu_inp1's val fPSNR stayed flat for 6,275 steps while its α, colour and gate losses fell: the
α̂ it learns decides nothing in an opaque hole (the fill takes it all), so here those losses are off
and every update goes to the fill.

Result (session 33, not shipped, weights not kept): 25 minutes, 5,912 steps; val fPSNR 17.9-18.0 dB
throughout (cpu_inp1: 17.5-17.8). Val fill bench, opaque family (seed 77, 48 cases, fill branch alone
as in cpu_inp1): 24.97 dB at step 2,100 and 25.57 at 5,912, against its untrained push-pull prior's
25.51 and Telea's 26.73 (`checkpoints/cpu-inp2-train.log`).
"""
from dataclasses import replace

from configs.cpu_inp1 import CONFIG as CPU_INP1

CONFIG = replace(
    CPU_INP1,
    name="cpu-inp2",
    alpha_weight_start=0.0,
    alpha_weight_end=0.0,
    colour_weight=0.0,
    gate_weight=0.0,
    fill_weight=1.0,
    max_minutes=25,
)
