"""Training configs. Each module here defines CONFIG = TrainConfig(...) and says why.

The defaults are the CPU recipe; each field says why it has its value.
"""
from dataclasses import dataclass, field


@dataclass
class TrainConfig:
    name: str                      # run folder: training/runs/<name>/
    crop: int = 128                # small crops: a 2-core CPU does ~1 step/s at 128², ~4x slower at 256²
    batch: int = 8
    # Photo short side before cropping, in crops: log-uniform in [lo, hi]·crop. Marks are sized
    # relative to the photo, so a wider range shows the nets marks of more pixel sizes. (1, 2) was
    # the first runs' range; at 128² that means text 4-30 px high, while the app runs the remover at
    # full resolution, where a mark is often 50-150 px (a 56-px "© STOCK" was left untouched).
    photo_scale: tuple = (1.0, 2.0)
    box_request: float = 0.25      # share of the remover's requests that are boxes (see data.remover_mask)
    rmask_grow: tuple = (1, 7)     # the request's dilation radius, px, drawn from [lo, hi)
    rmask_false: float = 0.2       # share of marked samples whose request also holds a false region
    lr: float = 2e-3               # AdamW; small BN nets tolerate a high lr, and the run is short
    weight_decay: float = 1e-4
    warmup_steps: int = 100
    max_steps: int = 100_000       # effectively unlimited: CPU runs are bounded by max_minutes
    max_minutes: float = 60.0      # the cosine schedule follows whichever of steps/time runs out first
    eval_every: int = 250
    ckpt_every: int = 100          # last.pt often: export may be asked for at any time
    val_samples: int = 96          # fixed val crops (val split: unseen photos, logos, fonts)
    patience: int = 8              # evals without improvement of either model before early stop
    num_workers: int = 1           # synthesis (~20 ms/sample) runs beside the training thread
    threads: int = 1               # leave the second core to the other engineers' builds
    seed: int = 0
    photos: str = "/work/shared/data/photos"
    # Clean negatives (~18%) teach α̂ ≈ 0 on photos: detection precision is the bottleneck.
    family_weights: dict = field(default_factory=lambda: {"clwd": 0.3, "text": 0.22, "pattern": 0.15,
                                                          "opaque": 0.15, "clean": 0.18})
    # Share of the clean negatives drawn from the text-rich photos (synthetic documents and screenshots,
    # licence plates): the picture's own text, which the detector must leave alone (issue 9).
    hard_negative_share: float = 0.0
    # Mined hard negatives (mine_negatives.py): train photos a detector flagged, listed in this file
    # (relative to training/), drawn for this share of the clean negatives. Only train-split names count.
    mined_negatives: str = ""
    mined_share: float = 0.0
    # Keep the detector's BatchNorm statistics as they are (eval-mode BN while training): for a
    # batch-8 CPU continuation of a net trained at batch 64, whose statistics small batches would shake.
    freeze_bn: bool = False
    # Remover alpha loss weight decays from start to end over the first alpha_weight_frac of the run.
    # Without a heavy alpha loss early the remover sits on the identity plateau (α̂ ≈ 0, output = input).
    alpha_weight_start: float = 10.0
    alpha_weight_end: float = 2.0
    alpha_weight_frac: float = 0.7  # 0.3 in the first 675 steps; it ended before the plateau broke
    det_pos_weight: float = 2.0    # marked pixels are rare; weigh them 2x, not more (false positives cost)
    det_bce_weight: float = 1.0  # class-balanced BCE(α̂, α) beside L1: see train.balanced_bce
    det_pos_share: float = 0.4   # marked pixels get 40% of the BCE, not 50%: false positives cost more
    # Detector target: α / det_alpha_full, capped at 1 (0: α itself). With α itself a faint mark (α 0.15-0.4)
    # must reach the app's τ 0.4 to be found at all; with 0.3, any mark at α ≥ 0.3 is a full 1 (presence).
    det_alpha_full: float = 0.0
    det_dice_weight: float = 1.0 # soft Dice(α̂, α): overlap, independent of how rare marks are
    kind_weight: float = 0.1       # kind head is a by-product; keep it from steering the shared features
    colour_weight: float = 0.5
    fill_weight: float = 0.5       # direct supervision of the inpainting branch where α > 0.6
    gate_weight: float = 0.5       # remover gate="learned": BCE towards "the fill beats the inversion here"
    det_thresholds: tuple = (0.05, 0.1, 0.15, 0.2, 0.3, 0.5)  # α̂ thresholds tried in validation
    train_remover: bool = True    # False: detector-only run (the remover is carried along untouched)
    train_detector: bool = True   # False: remover-only run (the detector is carried along untouched)
    init_from: str = ""           # fresh runs start from this checkpoint's weights (path relative to training/)
    detector: dict = field(default_factory=dict)  # models.DetectorArgs overrides
    remover: dict = field(default_factory=dict)   # models.RemoverArgs overrides
