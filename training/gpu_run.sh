#!/usr/bin/env bash
# Runs ON a lent GPU machine, from the repo root (README "On a lent GPU"):
#   bash training/gpu_run.sh [CONFIG=gpu] [train.py args, e.g. --fresh]
# Unpacks .carry (training/pack_carry.sh) into /tmp, points data.py and the config at it (WM_PHOTOS,
# WM_LOGOS, WM_FONTS: there is no ../shared and no font there), runs train.py, then copies
# best-*.pt, last.pt, metrics.jsonl and train.log into $OUT (default /tmp/gpu-out-CONFIG when unset).
# Env: WM_MAX_MINUTES (time box, configs/gpu.py), WM_BATCH / WM_WORKERS (CPU smoke only),
# TRAIN_TIMEOUT (s, default 545: a hard stop that still leaves time to copy within a 570-s call),
# PYTHON (default python3), CARRY (default .carry), UNPACK (default /tmp/wm-carry).
set -euo pipefail
cd "$(dirname "$0")/.."
cfg=${1:-gpu}; shift || true
py=${PYTHON:-python3}
carry=${CARRY:-.carry}; unpack=${UNPACK:-/tmp/wm-carry}
export OUT=${OUT:-/tmp/gpu-out-$cfg}
mkdir -p "$OUT"
log=$OUT/train.log
t0=$(date +%s)

for f in photos.tar photos-val.tar assets.tar.gz; do
  [ -s "$carry/$f" ] || { echo "gpu_run: $carry/$f missing: run training/pack_carry.sh here and carry [\".carry\"]" | tee -a "$log" >&2; exit 2; }
done
rm -rf "$unpack"; mkdir -p "$unpack/photos"
tar -xf "$carry/photos.tar" -C "$unpack/photos"
tar -xf "$carry/photos-val.tar" -C "$unpack/photos"
if [ -f "$carry/photos-mined.tar" ]; then tar -xf "$carry/photos-mined.tar" -C "$unpack/photos"; fi
tar -xzf "$carry/assets.tar.gz" -C "$unpack"
export WM_PHOTOS=$unpack/photos WM_LOGOS=$unpack/logos WM_FONTS=$unpack/fonts
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}  # workers: 1 thread each; train.py sets its own

# Preflight: what will be used, and fail early (set -e; the reason is in train.log) if anything is empty
# or not from the unpacked carry.
(cd training && "$py" - "$cfg" "$unpack") <<'EOF' 2>&1 | tee -a "$log"
import sys
from pathlib import Path
import torch
import data
from train import load_config
cfg, unpack = load_config(sys.argv[1]), Path(sys.argv[2]).resolve()
gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
print(f"torch {torch.__version__}, cuda: {gpu}; config {cfg.name}: crop {cfg.crop}, batch {cfg.batch}, "
      f"{cfg.num_workers} workers, {cfg.max_minutes} min, photos {cfg.photos}")
for p, what in ((cfg.photos, "photos"), (data.LOGOS, "logos"), (data.FONTS, "fonts")):
    if not Path(p).resolve().is_relative_to(unpack):  # e.g. a config whose photos do not follow WM_PHOTOS
        sys.exit(f"gpu_run: preflight failed: {what} from {p}, not from the carry unpacked in {unpack}")
counts = {f"{what} {split}": len(f(split)) for split in ("train", "val")
          for what, f in (("photos", lambda s: data.list_photos(Path(cfg.photos), s)),
                          ("logos", data.list_logos), ("fonts", data.list_fonts))}
if cfg.mined_share > 0:  # mined negatives (pack_carry.sh MINED=...): how many of the list are here
    from train import mined_names
    here = {p.name for p in data.list_photos(Path(cfg.photos), "train")}
    counts["mined negatives train"] = len(here.intersection(mined_names(cfg)))
print(", ".join(f"{k}: {v}" for k, v in counts.items()))
if not all(counts.values()):
    sys.exit(f"gpu_run: preflight failed: none of {[k for k, v in counts.items() if not v]}")
EOF
echo "gpu_run: unpacked and checked in $(( $(date +%s) - t0 )) s; $(nproc --all) cores;" \
  "/dev/shm free (DataLoader workers pass batches through it): $(df -h --output=avail /dev/shm | tail -1)" | tee -a "$log"

set +e
timeout --signal=TERM --kill-after=10 "${TRAIN_TIMEOUT:-545}" \
  "$py" training/train.py --config "$cfg" "$@" 2>&1 | tee -a "$log"
rc=${PIPESTATUS[0]}
set -e
run=$(cd training && "$py" -c "from train import load_config, ROOT; print(ROOT / 'runs' / load_config('$cfg').name)")
for f in best-detector.pt best-remover.pt last.pt metrics.jsonl; do
  if [ -f "$run/$f" ]; then cp "$run/$f" "$OUT/"; fi
done
echo "gpu_run: train.py exited $rc after $(( $(date +%s) - t0 )) s; in $OUT: $(cd "$OUT" && ls | tr '\n' ' ')" | tee -a "$log"
exit "$rc"
