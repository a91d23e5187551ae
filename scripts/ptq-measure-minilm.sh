#!/usr/bin/env bash
# MiniLM (all-MiniLM-L6-v2) under RTN / FlexRound / LRQ: cosine of sentence embeddings to the float32 model.
# usage: scripts/ptq-measure-minilm.sh CALIB_TEXT EVAL_TEXT OUT_DIR [ITERS] [SEQ] [LAUNCHER]
set -euo pipefail
calib=$1 evaltext=$2 out=$3 iters=${4:-100} seq=${5:-64} l4j=${6:-./lowrank4j}
mkdir -p "$out"
tsv="$out/results.tsv"
[ -f "$tsv" ] || printf 'method\tscheme\tcalib\tcosine_to_fp32\tseconds\tdisk_bytes\n' > "$tsv"
# shellcheck source=scripts/progress.sh
. "$(dirname "$0")/progress.sh"
# The jobs not done yet (a folder that exists is a finished job), so the count and ETA are of this run.
# CALIBS="8 32 128" chooses the calibration sizes of FlexRound and LRQ (default "8 32"); RTN runs once,
# and its W8A8 static activation ranges use the first size.
first_calib=$(set -- ${CALIBS:-8 32}; echo "$1")
jobs=()
for scheme in "3 16" "4 16" "4 8" "8 8"; do
  set -- $scheme; name="W$1A$2"
  for method in rtn flexround lrq; do
    for c in ${CALIBS:-8 32}; do
      [ "$method" = rtn ] && [ "$c" != "$first_calib" ] && continue
      [ -d "$out/$method-$name-c$c" ] || jobs+=("$method $1 $2 $c")
    done
  done
done
progress_start "${#jobs[@]}"
for job in "${jobs[@]}"; do
  set -- $job; method=$1 bits=$2 act=$3 c=$4; name="W${bits}A${act}"
  dir="$out/$method-$name-c$c"
  args=(); [ "$method" != rtn ] && args=(--iters "$iters")
  [ "$method" != rtn ] || [ "$name" = W8A8 ] && args+=(--calib "$calib" --calib-samples "$c" --seq "$seq")
  progress_step "quantize MiniLM $method $name, $c calibration samples (its own progress: $dir.log)"
  start=$(date +%s)
  nice -n 10 "$l4j" quantize --model minilm --method "$method" --bits "$bits" --act-bits "$act" "${args[@]}" --out "$dir" > "$dir.log" 2>&1 \
    || { echo "failed: $dir"; continue; }
  secs=$(( $(date +%s) - start ))
  j=$(nice -n 10 "$l4j" eval --model "$dir" --text "$evaltext" --json 2>/dev/null | tail -1)
  cos=$(echo "$j" | sed 's/.*"cosine_to_fp32":\([^,]*\).*/\1/')
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$method" "$name" "$([ "$method" = rtn ] && [ "$name" != W8A8 ] && echo - || echo "$c")" "$cos" "$secs" "$(du -sb "$dir" | cut -f1)" >> "$tsv"
  tail -1 "$tsv"
done
