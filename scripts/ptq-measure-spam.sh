#!/usr/bin/env bash
# Spam accuracy of a fine-tuned MiniLM classifier before and after post-training quantization
# (docs/QUANTIZE.md): fine-tune once, quantize its model/ folder with RTN / FlexRound / LRQ at W4A16,
# W3A16, W8A8 and W4A8, and score every folder on the same SpamAssassin test split (eval --task spam).
# Calibration is State of the Union text, not e-mail, so no e-mail of any split is seen by quantize.
#
#   scripts/ptq-measure-spam.sh [OUT_DIR] [ITERS] [CALIB_SAMPLES]     (default runs/ptq-spam 100 32)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
l4j="$here/../lowrank4j"
out=${1:-runs/ptq-spam} iters=${2:-100} samples=${3:-32}
seed=1 tokens=64 seq=64
# shellcheck source=scripts/progress.sh
. "$here/progress.sh"
"$here/fetch-data.sh" spam-assassin
"$here/fetch-data.sh" sotu
mkdir -p "$out"
calib="$out/calib-sotu.txt"
head -c 400000 "${LOWRANK4J_DATA:-$HOME/.cache/lowrank4j}/sotu/sotu.txt" > "$calib"
ft="$out/finetune-full"
if [ ! -f "$ft/summary.json" ]; then
    resume=(); [ -d "$ft" ] && resume=(--resume)
    echo "== fine-tuning MiniLM (full, 60 steps of 16 e-mails at $tokens word pieces, seed $seed) into $ft"
    nice -n 10 "$l4j" finetune --model minilm --task spam --method full --lr 2e-4 --steps 60 --max-tokens "$tokens" \
        --seed "$seed" --out "$ft" "${resume[@]}"
fi
tsv="$out/results.tsv"
[ -f "$tsv" ] || printf 'method\tscheme\ttest_accuracy\ttest_f1\ttest_loss\tquantize_seconds\tdisk_bytes\n' > "$tsv"
score() { nice -n 10 "$l4j" eval --model "$1" --task spam --seed "$seed" --max-tokens "$tokens" --json 2>/dev/null | tail -1; }
field() { echo "$1" | sed "s/.*\"$2\":\\([^,}]*\\).*/\\1/"; }
row() { # method scheme json seconds dir
    printf '%s\t%s\t%.4f\t%.4f\t%.4f\t%s\t%s\n' "$1" "$2" "$(field "$3" test_accuracy)" "$(field "$3" test_f1)" \
        "$(field "$3" test_loss)" "$4" "$(du -sb "$5" | cut -f1)" >> "$tsv"
    tail -1 "$tsv"
}
grep -q "^fp32	" "$tsv" || row fp32 W32A32 "$(score "$ft/model")" - "$ft/model"
jobs=()
for scheme in "4 16" "3 16" "8 8" "4 8"; do
    for method in rtn flexround lrq; do
        set -- $scheme
        [ -d "$out/$method-W$1A$2" ] || jobs+=("$method $1 $2")
    done
done
progress_start "${#jobs[@]}"
for job in "${jobs[@]}"; do
    set -- $job; method=$1 bits=$2 act=$3; dir="$out/$method-W${bits}A${act}"
    args=(); [ "$method" != rtn ] && args=(--iters "$iters" --calib "$calib" --calib-samples "$samples" --seq "$seq")
    [ "$method" = rtn ] && [ "$act" != 16 ] && args=(--calib "$calib" --calib-samples "$samples" --seq "$seq")
    progress_step "quantize $method W${bits}A${act} (its own progress: $dir.log)"
    start=$SECONDS
    nice -n 10 "$l4j" quantize --model "$ft/model" --method "$method" --bits "$bits" --act-bits "$act" "${args[@]}" --out "$dir" \
        > "$dir.log" 2>&1 || { echo "failed: $dir (see $dir.log)"; continue; }
    row "$method" "W${bits}A${act}" "$(score "$dir")" $((SECONDS - start)) "$dir"
done
column -t "$tsv"
