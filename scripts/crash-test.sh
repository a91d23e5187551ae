#!/usr/bin/env bash
# kill -9 crash trials on real processes (docs/RELIABILITY.md, "Crash tests"). For each command,
# N trials: start it as its own JVM, kill it one to three times (half of the kills inside a
# checkpoint or output-folder write, half at a uniform random time), recover it the way a user
# would (--resume, or the same command again), and compare its outputs byte for byte with an
# uninterrupted run. Prints one line per trial and a summary; exit 1 if any trial failed.
#
#   scripts/crash-test.sh N [COMMAND...]     COMMAND: pretrain finetune dlrt quantize (default: all)
#
# Environment: CRASH_SEED (first trial's seed, default 1; trial i uses CRASH_SEED + i - 1, so a
# failing trial reruns alone with CRASH_SEED=that seed and N=1), CRASH_WORK (work folder, default
# BUILD_DIR/crash-test; failed trials stay there with their logs), LR_BUILD (the build folder name,
# default target, as the pom's lr.build: a second tree of class files, so that a campaign keeps its
# classes while you rebuild). Run it with nice on
# a shared machine: nice -n 10 scripts/crash-test.sh 20
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=progress.sh
source "$here/progress.sh"

trials=${1:-}
if ! [[ "$trials" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: scripts/crash-test.sh N [pretrain|finetune|dlrt|quantize ...]" >&2
    exit 1
fi
shift
commands=("$@")
[ ${#commands[@]} -gt 0 ] || commands=(pretrain finetune dlrt quantize)
for c in "${commands[@]}"; do
    case "$c" in pretrain|finetune|dlrt|quantize) ;; *) echo "error: unknown command '$c' (pretrain, finetune, dlrt, quantize)" >&2; exit 1 ;; esac
done
seed0=${CRASH_SEED:-1}
build_dir=${LR_BUILD:-target}
work=${CRASH_WORK:-$root/lowrank4j-cli/$build_dir/crash-test}
mkdir -p "$work"
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java

echo "building the test classes and their class path (log: $work/build.log) ..."
build() {
    (cd "$root" && mvn -B -q "$@" -Dlr.build="$build_dir" -pl lowrank4j-cli -am test-compile dependency:build-classpath \
        -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath.txt") >"$work/build.log" 2>&1
}
if ! build -o && ! build; then
    echo "error: build failed; see $work/build.log" >&2
    tail -n 20 "$work/build.log" >&2
    exit 1
fi
cp="$root/lowrank4j-cli/$build_dir/test-classes:$root/lowrank4j-cli/$build_dir/classes:$(cat "$work/classpath.txt")"

# run_trial COMMAND SEED: one trial, its outcome line into $work/outcome.txt (heartbeats stay on the terminal)
run_trial() {
    "$java_bin" --add-modules jdk.incubator.vector -cp "$cp" dev.lowrank4j.cli.crash.CrashTrials "$1" "$2" "$work" "$root" \
        >"$work/outcome.txt" 2>>"$work/harness.err"
}

results="$work/results-$(date +%Y%m%d-%H%M%S).txt"
progress_start $((trials * ${#commands[@]}))
failed=0
for c in "${commands[@]}"; do
    for i in $(seq 1 "$trials"); do
        seed=$((seed0 + i - 1))
        progress_step "$c trial $i/$trials (seed $seed)"
        if with_heartbeat "$c trial $i" run_trial "$c" "$seed"; then :; else failed=$((failed + 1)); fi
        outcome=$(cat "$work/outcome.txt")
        echo "$outcome"
        echo "seed $seed $outcome" >>"$results"
    done
done

echo
echo "summary ($results):"
for c in "${commands[@]}"; do
    n=$(grep -c "^seed [0-9]* $c: " "$results" || true)
    ok=$(grep -c "^seed [0-9]* $c: OK" "$results" || true)
    kills=$(grep "^seed [0-9]* $c: " "$results" | grep -o ' -> [^;]*' | grep -vc 'exited before the kill' || true)
    in_write=$(grep "^seed [0-9]* $c: " "$results" | grep -o 'in write [^;]*' | grep -vc 'exited before the kill' || true)
    temp=$(grep "^seed [0-9]* $c: " "$results" | grep -o ' -> temp [^;]*' | grep -c . || true)
    final=$(grep "^seed [0-9]* $c: " "$results" | grep -o 'FINAL checkpoint' | grep -c . || true)
    echo "  $c: $ok/$n trials identical to the uninterrupted run; $kills kills hit a live process," \
        "$in_write of them inside a folder write, $temp left a temporary folder, $final after the final checkpoint (while the outputs were written)"
done
[ "$failed" -eq 0 ] || { echo "$failed trial(s) failed; their folders and logs are in $work" >&2; exit 1; }
