#!/usr/bin/env bash
# The causal-LM fine-tuning study of docs/FINETUNE.md: a tiny LLaMA pretrained here on Moby Dick, tuned
# on the State of the Union addresses with full, LoRA, PeriodicLoRA (with and without momentum
# unloading), LoLDU and LoRA r=1. Every method gets its own learning-rate sweep on validation (seed 1),
# then seeds 1, 2, 3 at the chosen rate; the test part (the most recent 10% of the addresses) is scored
# once per run. Finished runs are read back, so rerunning after an interruption continues the study.
#
#   scripts/finetune-sotu-study.sh [OUT_ROOT]     (default runs/ft-sotu; ~30 runs, about an hour on 2 cores)
#
# The table of docs/FINETUNE.md is printed at the end from the study.json files (see study-table below).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out=${1:-runs/ft-sotu}
steps=${STEPS:-200}
base="$out/base"
cli="$root/lowrank4j"

"$here/fetch-data.sh" sotu
mkdir -p "$out"
if [[ ! -f "$base/summary.json" ]]; then
    echo "== pretraining the base model on Moby Dick (tiny preset, 2,000 steps) into $base"
    if [[ -d "$base" ]]; then "$cli" pretrain --out "$base" --resume; else "$cli" pretrain --out "$base"; fi
fi
# The base model before any tuning, on the same test part finetune scores (the last 10% of the bytes;
# the byte-level tokenizer makes bytes tokens, and finetune rounds 10% of the length the same way).
sotu="${LOWRANK4J_DATA:-$HOME/.cache/lowrank4j}/sotu/sotu.txt"
size=$(wc -c < "$sotu")
tail -c "$(( (size + 5) / 10 ))" "$sotu" > "$out/sotu-test.txt"
"$cli" eval --model "$base" --text "$out/sotu-test.txt" --json > "$out/base-eval.json"
echo "base model on the SOTU test part: $(cat "$out/base-eval.json")"

# method flags | learning rates swept (each grid brackets the rate the method's own default suggests)
studies=(
    "full|full|3e-4,1e-3,3e-3"
    "lora-r8|lora --rank 8|3e-3,1e-2,3e-2"
    "plora-r8-s50|plora --rank 8 --stage-length 50|3e-3,1e-2,3e-2"
    "plora-r8-s50-m0.1|plora --rank 8 --stage-length 50 --momentum 0.1|3e-3,1e-2,3e-2"
    "loldu-r8|loldu --rank 8|1e-2,3e-2,1e-1,3e-1"
    "lora-r1|lora --rank 1|3e-3,1e-2,3e-2"
)
for s in "${studies[@]}"; do
    IFS='|' read -r name flags lrs <<< "$s"
    echo "== $name: --method $flags, sweep lr=$lrs, seeds 1,2,3"
    # shellcheck disable=SC2086
    "$cli" finetune --model "$base" --text sotu --method $flags --steps "$steps" \
        --sweep "lr=$lrs" --seeds 1,2,3 --out "$out/$name"
done
