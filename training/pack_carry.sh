#!/usr/bin/env bash
# Build .carry/ (git-ignored, repo root): the data a lent GPU machine needs to run train.py, since it
# gets the working tree (+ `carry` paths, 64 MiB in all) but not ../shared nor /usr/share/fonts.
#   .carry/photos.tar       train photos only: ../shared/data/pack-photos.sh, short side <= 256, with
#                           splits/heldout-photos.txt left out (val/test photos never train)
#   .carry/photos-val.tar   the val photos only (train.py validates on them; data.split_of still keeps
#                           them out of training); test photos never travel
#   .carry/assets.tar.gz    logos/{si,ic}/*.png (training/.cache/logos, all: val uses the held-out ones)
#                           and fonts/<path under /usr/share/fonts>: every held-out (val/test) font plus
#                           train fonts round-robin over families up to FONT_MIB
#   .carry/photos-mined.tar only with MINED=<list from mine_negatives.py>: those train photos (in
#                           pack order) up to MINED_MIB=8 (PHOTO_MIB then defaults to 16, to stay under 64 MiB)
# Unpacked by training/gpu_run.sh. usage: bash training/pack_carry.sh   (env: PHOTO_MIB=24 VAL_MIB=5
# FONT_MIB=20 SIDE=256 MINED= MINED_MIB=8 SHARED=../shared PYTHON=/usr/bin/python3)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
shared=${SHARED:-$root/../shared}
py=${PYTHON:-/usr/bin/python3}; [ -x "$py" ] || py=python3
mined=${MINED:-}  # e.g. training/splits/mined-gpu-det3.txt: those train photos go first, in photos-mined.tar
if [ -n "$mined" ]; then photo_mib=${PHOTO_MIB:-16}; else photo_mib=${PHOTO_MIB:-24}; fi
mined_mib=${MINED_MIB:-8}; val_mib=${VAL_MIB:-5}; font_mib=${FONT_MIB:-20}; side=${SIDE:-256}
die() { echo "pack_carry: $*" >&2; exit 1; }

# pack-photos.sh needs ImageMagick's convert; without it, pack_photos below does the same with PIL.
if convert -version 2>/dev/null | grep -q ImageMagick; then magick=1; else magick=0
  echo "pack_carry: no ImageMagick 'convert' here: packing with PIL instead (same selection and budget)" >&2; fi
[ -x "$shared/data/pack-photos.sh" ] || die "$shared/data/pack-photos.sh not found (set SHARED)"
photos=$shared/data/photos
for s in heldout val test; do [ -s training/splits/$s-photos.txt ] || die "training/splits/$s-photos.txt missing: \
run '$py training/data.py --write-splits' (README step 0)"; done
n_logos=$(find training/.cache/logos -name '*.png' 2>/dev/null | wc -l)
[ "$n_logos" -gt 0 ] || die "training/.cache/logos is missing or empty. Create it (README step 0):
  mkdir -p /tmp/wmassets && (cd /tmp/wmassets && npm init -y && npm install simple-icons @iconify-json/logos)
  $py training/data.py --prepare-logos /tmp/wmassets/node_modules --write-splits"
git check-ignore -q .carry/x || die ".carry/ is not git-ignored: add '/.carry/' to .gitignore"
# The fonts of ../shared/data/README.md (session 14 packed a machine with only fonts-dejavu: its GPU
# detector then drew text in 20 fonts and lost text marks in the held-out ones). MIN_FONTS=0 skips.
n_held=$(cd training && "$py" -c 'import data; print(len(data.list_fonts("val")))')
[ "$n_held" -ge "${MIN_FONTS:-8}" ] || die "only $n_held held-out fonts here: install the fonts of \
$shared/data/README.md (the apt line is step 0 of training/README.md), or set MIN_FONTS=0"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# pack_photos OUT MAX_MIB SIDE HOLDOUT_LIST: pack-photos.sh, or without ImageMagick its exact steps with
# PIL doing convert's "-strip -resize SIDExSIDE^> -quality 80" (short side <= SIDE, JPEG q80, no metadata).
pack_photos() {
  if [ $magick = 1 ]; then "$shared/data/pack-photos.sh" "$@"; return; fi
  local out=$1 max=$2 side=$3 hold=$4 d; d=$(mktemp -d -p "$tmp")
  ls "$photos" | grep '\.jpg$' | grep -vxFf "$photos/FLAGGED-graphics.txt" | grep -vxFf "$hold" \
    | sort | awk 'BEGIN{srand(7)}{print rand()"\t"$0}' | sort | cut -f2 > "$d.order"
  mkdir "$d/p"
  "$py" - "$photos" "$d.order" "$d/p" "$max" "$side" <<'PY'
import sys
from pathlib import Path
from PIL import Image
src, order, dst, budget, side = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]) * 2**20, int(sys.argv[5])
total = n = 0
for f in open(order).read().splitlines():
    im = Image.open(src / f).convert("RGB")
    s = side / min(im.size)
    if s < 1:
        im = im.resize((max(1, round(im.width * s)), max(1, round(im.height * s))), Image.LANCZOS)
    im.save(dst / f, "JPEG", quality=80)
    total += (dst / f).stat().st_size + 512; n += 1
    if total >= budget:
        (dst / f).unlink(); n -= 1; break
print(n, "photos (PIL)")
PY
  tar -C "$d/p" -cf "$out" .
  echo "$(du -h "$out" | cut -f1) -> $out"
}
rm -rf .carry; mkdir .carry

# Photos. pack-photos.sh takes a list of bare file names to leave out (grep -vxFf).
pack_photos .carry/photos.tar "$photo_mib" "$side" training/splits/heldout-photos.txt
ls "$photos" | grep '\.jpg$' | grep -vxFf training/splits/val-photos.txt > "$tmp/not-val" || true
pack_photos .carry/photos-val.tar "$val_mib" "$side" "$tmp/not-val"
if [ -n "$mined" ]; then  # mined hard negatives (mine_negatives.py; train photos only), in pack order up to MINED_MIB
  [ -s "$mined" ] || die "$mined not found"
  grep -v '^#' "$mined" | cut -d' ' -f1 | grep . > "$tmp/mined" || true
  ls "$photos" | grep '\.jpg$' | grep -vxFf "$tmp/mined" | cat - training/splits/heldout-photos.txt > "$tmp/not-mined"
  pack_photos .carry/photos-mined.tar "$mined_mib" "$side" "$tmp/not-mined"
fi
# Check: no held-out photo in the train packs, only val photos in the val pack.
tar -tf .carry/photos.tar | sed -n 's|^\./||p' | grep . > "$tmp/in-train" || true
[ -z "$mined" ] || tar -tf .carry/photos-mined.tar | sed -n 's|^\./||p' | grep . > "$tmp/in-mined" || true
[ -z "$mined" ] || ! grep -qxFf training/splits/heldout-photos.txt "$tmp/in-mined" || die "a held-out photo is in photos-mined.tar"
tar -tf .carry/photos-val.tar | sed -n 's|^\./||p' | grep . > "$tmp/in-val" || true
! grep -qxFf training/splits/heldout-photos.txt "$tmp/in-train" || die "a held-out photo is in photos.tar"
! grep -vqxFf training/splits/val-photos.txt "$tmp/in-val" || die "a non-val photo is in photos-val.tar"

# Logos and fonts, staged with the layout data.py expects (WM_LOGOS=<dir>/logos, WM_FONTS=<dir>/fonts).
mkdir -p "$tmp/a/fonts"
cp -r training/.cache/logos "$tmp/a/logos"
(cd training && "$py" - "$font_mib" > "$tmp/fonts.txt") <<'EOF'
import hashlib, os, sys
from collections import defaultdict
from pathlib import Path
import data
budget = float(sys.argv[1]) * 2**20
held = data.list_fonts("val")   # val + test fonts: train.py's validation renders text with them
chosen, size = list(held), sum(os.path.getsize(f) for f in held)
by_dir = defaultdict(list)
for f in data.list_fonts("train"):
    by_dir[str(Path(f).parent)].append(f)
# Round-robin over families, each in a fixed pseudo-random order (md5 of the name: no weight bias).
queues = [sorted(v, key=lambda f: hashlib.md5(Path(f).name.encode()).hexdigest()) for _, v in sorted(by_dir.items())]
n_train = 0
while any(queues):
    for q in queues:
        if q:
            f = q.pop(0)
            if size + os.path.getsize(f) <= budget:
                chosen.append(f); size += os.path.getsize(f); n_train += 1
for f in chosen:
    print(os.path.relpath(f, data.FONTS))
print(f"fonts: {len(held)} held-out + {n_train} of {len(data.list_fonts('train'))} train, "
      f"{size / 2**20:.1f} MiB", file=sys.stderr)
EOF
fonts_root=$(cd training && "$py" -c 'import data; print(data.FONTS)')
(cd "$fonts_root" && xargs -d "\n" cp --parents -t "$tmp/a/fonts/") < "$tmp/fonts.txt"
tar -C "$tmp/a" -czf .carry/assets.tar.gz logos fonts

{
  echo "built $(date -u +%FT%TZ) from $(git rev-parse --short HEAD)"
  echo "photos.tar: $(wc -l < "$tmp/in-train") train photos (short side <= $side, heldout-photos.txt left out)"
  echo "photos-val.tar: $(wc -l < "$tmp/in-val") val photos"
  [ -z "$mined" ] || echo "photos-mined.tar: $(wc -l < "$tmp/in-mined") of $(wc -l < "$tmp/mined") photos in $mined"
  echo "assets.tar.gz: $n_logos logos, $(wc -l < "$tmp/fonts.txt") fonts"
} > .carry/MANIFEST.txt
cat .carry/MANIFEST.txt
ls -l .carry
carry_b=$(du -cb .carry/* | tail -1 | cut -f1)
tree_b=$(git ls-files -co --exclude-standard -z | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
echo "carry: $((carry_b / 1048576)) MiB; with the working tree: $(((carry_b + tree_b) / 1048576)) MiB (limit 64)"
[ $((carry_b + tree_b)) -lt $((62 * 1048576)) ] || die "too big for the device tool's 64 MiB: lower PHOTO_MIB or FONT_MIB"
