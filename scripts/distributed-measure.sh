#!/usr/bin/env bash
# Bytes per step and step time of data-parallel pretraining (2 Spark workers in local[2]) for
# full, GaLore and LoRA, on the tiny preset and the GaLore papers' 60M shape, plus one process at
# the same global batch for comparison. Numbers for docs/DISTRIBUTED.md; minutes of CPU, so run it
# alone: nice -n 10 scripts/distributed-measure.sh [out-dir]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/runs/distributed-measure}
steps=${STEPS:-5}
mkdir -p "$out"
# shellcheck source=scripts/progress.sh
. "$here/scripts/progress.sh"

# per-step fields of metrics.jsonl lines that carry exchange_bytes_sent
summarise() { # $1 = run folder, $2 = label
  awk -v label="$2" '
    /"loss"/ {
      n++
      match($0, /"step_seconds":[0-9.eE+-]+/); s = substr($0, RSTART + 15, RLENGTH - 15)
      b = "-"; if (match($0, /"exchange_bytes_sent":[0-9]+/)) b = substr($0, RSTART + 22, RLENGTH - 22)
      x = "-"; if (match($0, /"exchange_seconds":[0-9.eE+-]+/)) x = substr($0, RSTART + 19, RLENGTH - 19)
      secs[n] = s; bytes[n] = b; ex[n] = x
    }
    END {
      line = label ": step_seconds"
      for (i = 1; i <= n; i++) line = line " " secs[i]
      line = line "; exchange_seconds"
      for (i = 1; i <= n; i++) line = line " " ex[i]
      line = line "; bytes_sent"
      for (i = 1; i <= n; i++) line = line " " bytes[i]
      print line
    }' "$1/metrics.jsonl"
}

run() { # $1 = label, rest = pretrain flags
  local label=$1; shift
  rm -rf "${out:?}/$label"
  progress_step "$label (its own progress: $out/$label.log)"
  "$here/lowrank4j" pretrain --out "$out/$label" --steps "$steps" --eval-every "$steps" --checkpoint-every "$steps" \
    --eval-batches 1 "$@" >"$out/$label.log" 2>&1
  summarise "$out/$label" "$label" | tee -a "$out/summary.txt"
}

: >"$out/summary.txt"
progress_start 6 # 2 shapes x 3 methods
tiny=(--preset tiny --batch 4)
m60=(--vocab 32000 --dim 512 --layers 8 --heads 8 --hidden 1376 --seq 64 --batch 1)
for shape in tiny 60m; do
  if [ "$shape" = tiny ]; then flags=("${tiny[@]}"); r=32; else flags=("${m60[@]}"); r=128; fi
  run "$shape-full-2w" "${flags[@]}" --method full --spark 'local[2]'
  run "$shape-galore-2w" "${flags[@]}" --method galore --rank $r --update-gap 2 --clip 0 --spark 'local[2]'
  run "$shape-lora-2w" "${flags[@]}" --method lora --rank $r --spark 'local[2]'
done
