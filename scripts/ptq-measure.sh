#!/usr/bin/env bash
# Measures held-out perplexity of RTN / FlexRound / LRQ on a LLaMA trained here (docs/QUANTIZE.md).
# usage: scripts/ptq-measure.sh BASE_MODEL_DIR TRAIN_TEXT HELDOUT_TEXT OUT_DIR [ITERS] [LAUNCHER]
# Runs one job at a time under nice; every quantized folder and a results.tsv land in OUT_DIR.
# CALIBS="8 32 128" chooses the calibration sizes of FlexRound and LRQ (default "8 32").
set -euo pipefail
base=$1 train=$2 heldout=$3 out=$4 iters=${5:-100} l4j=${6:-./lowrank4j}
mkdir -p "$out"
tsv="$out/results.tsv"
[ -f "$tsv" ] || printf 'method\tscheme\tcalib\tperplexity\tloss\tseconds\tdisk_bytes\n' > "$tsv"
ppl() { nice -n 10 "$l4j" eval --model "$1" --text "$heldout" --json 2>/dev/null | tail -1; }
row() { # method scheme calib dir seconds
  local j; j=$(ppl "$4")
  local p l; p=$(echo "$j" | sed 's/.*"perplexity":\([^,]*\).*/\1/'); l=$(echo "$j" | sed 's/.*"loss":\([^,]*\).*/\1/')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$p" "$l" "$5" "$(du -sb "$4" | cut -f1)" >> "$tsv"
}
# shellcheck source=scripts/progress.sh
. "$(dirname "$0")/progress.sh"
# The jobs not done yet (a folder that exists is a finished job), so the count and ETA are of this run.
jobs=()
first_calib=$(set -- ${CALIBS:-8 32}; echo "$1") # RTN runs once; its W8A8 ranges use the first size
for scheme in "4 16" "3 16" "4 8" "8 8"; do
  set -- $scheme; name="W$1A$2"
  for method in rtn flexround lrq; do
    for calib in ${CALIBS:-8 32}; do
      [ "$method" = rtn ] && [ "$calib" != "$first_calib" ] && continue
      [ -d "$out/$method-$name-c$calib" ] || jobs+=("$method $1 $2 $calib")
    done
  done
done
grep -q '^fp32' "$tsv" || jobs=("fp32" "${jobs[@]}")
progress_start "${#jobs[@]}"
for job in "${jobs[@]}"; do
  if [ "$job" = fp32 ]; then
    progress_step "perplexity of the float model $base"
    row fp32 fp32 - "$base" 0
    continue
  fi
  set -- $job; method=$1 bits=$2 act=$3 calib=$4; name="W${bits}A${act}"
  dir="$out/$method-$name-c$calib"
  extra=(); [ "$method" != rtn ] && extra=(--iters "$iters")
  [ "$method" != rtn ] || [ "$name" = W8A8 ] && extra+=(--calib "$train" --calib-samples "$calib")
  [ "$method" = rtn ] && [ "$name" != W8A8 ] && extra=()
  progress_step "quantize $method $name, $calib calibration samples (its own progress: $dir.log)"
  start=$(date +%s)
  nice -n 10 "$l4j" quantize --model "$base" --method "$method" --bits "$bits" --act-bits "$act" "${extra[@]}" --out "$dir" \
    > "$dir.log" 2>&1 || { echo "failed: $dir (see $dir.log)"; continue; }
  row "$method" "$name" "$([ "$method" = rtn ] && [ "$name" != W8A8 ] && echo - || echo "$calib")" "$dir" $(( $(date +%s) - start ))
  tail -1 "$tsv"
done
