#!/usr/bin/env bash
# The fine-tuning studies of docs/FINETUNE.md, one task at a time:
#
#   scripts/finetune-study.sh sotu [OUT_ROOT]   causal LM: a tiny LLaMA pretrained here on Moby Dick, tuned on
#                                                the State of the Union addresses (default runs/ft-sotu)
#   scripts/finetune-study.sh spam [OUT_ROOT]   MiniLM-L6 on SpamAssassin (default runs/ft-spam)
#
# Methods: full, LoRA r=8, PeriodicLoRA r=8 with and without momentum unloading, LoLDU r=8, LoRA r=1. Each
# gets its own learning-rate sweep on validation (seed 1), then seeds 1, 2, 3 at the chosen rate; the test
# part is scored once per run. The grids are the ones of the docs' tables (widened where a first, narrower
# grid's choice sat at its edge). Finished runs are read back, so rerunning continues a study.
# STEPS (and for spam MAX_TOKENS) override the budget.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cli="$here/../lowrank4j"
task=${1:-}
case "$task" in
  sotu)
    out=${2:-runs/ft-sotu}
    steps=${STEPS:-200}
    "$here/fetch-data.sh" sotu
    base="$out/base"
    mkdir -p "$out"
    if [[ ! -f "$base/summary.json" ]]; then
        echo "== pretraining the base model on Moby Dick (tiny preset, 2,000 steps) into $base"
        if [[ -d "$base" ]]; then "$cli" pretrain --out "$base" --resume; else "$cli" pretrain --out "$base"; fi
    fi
    # The base model before any tuning, on the test part finetune scores (the last 10% of the bytes: the
    # byte-level tokenizer makes bytes tokens, and finetune rounds 10% of the length the same way).
    sotu="${LOWRANK4J_DATA:-$HOME/.cache/lowrank4j}/sotu/sotu.txt"
    size=$(wc -c < "$sotu")
    tail -c "$(( (size + 5) / 10 ))" "$sotu" > "$out/sotu-test.txt"
    "$cli" eval --model "$base" --text "$out/sotu-test.txt" --json > "$out/base-eval.json"
    echo "base model on the SOTU test part: $(cat "$out/base-eval.json")"
    model=(--model "$base" --text sotu --steps "$steps")
    # name | method flags | learning rates swept
    studies=(
        "full|full|3e-4,1e-3,3e-3,1e-2"
        "lora-r8|lora --rank 8|3e-3,1e-2,3e-2"
        "plora-r8-s50|plora --rank 8 --stage-length 50|3e-3,1e-2,3e-2"
        "plora-r8-s50-m0.1|plora --rank 8 --stage-length 50 --momentum 0.1|3e-3,1e-2,3e-2"
        "loldu-r8|loldu --rank 8|1e-3,3e-3,1e-2,3e-2,1e-1,3e-1"
        "lora-r1|lora --rank 1|3e-3,1e-2,3e-2,1e-1"
    ) ;;
  spam)
    out=${2:-runs/ft-spam}
    "$here/fetch-data.sh" spam-assassin
    # 30 steps of 16 e-mails at 32 word pieces: a budget cut to fit 2 shared cores
    model=(--model minilm --task spam --steps "${STEPS:-30}" --max-tokens "${MAX_TOKENS:-32}")
    studies=(
        "full|full|1e-4,2e-4,4e-4"
        "lora-r8|lora --rank 8|2e-3,4e-3,8e-3,1.6e-2"
        "plora-r8-s10|plora --rank 8 --stage-length 10|2e-3,4e-3,8e-3,1.6e-2"
        "plora-r8-s10-m0.1|plora --rank 8 --stage-length 10 --momentum 0.1|2e-3,4e-3,8e-3,1.6e-2"
        "loldu-r8|loldu --rank 8|1e-2,3e-2,1e-1"
        "lora-r1|lora --rank 1|4e-3,8e-3,1.6e-2,3.2e-2"
    ) ;;
  *)
    echo "usage: scripts/finetune-study.sh sotu|spam [OUT_ROOT]" >&2
    exit 2 ;;
esac
mkdir -p "$out"
for s in "${studies[@]}"; do
    IFS='|' read -r name flags lrs <<< "$s"
    echo "== $name: --method $flags, sweep lr=$lrs, seeds 1,2,3"
    # shellcheck disable=SC2086
    "$cli" finetune "${model[@]}" --method $flags --sweep "lr=$lrs" --seeds 1,2,3 --out "$out/$name"
done
