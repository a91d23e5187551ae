#!/usr/bin/env bash
# Long fuzzing campaign of one parser with Jazzer (docs/RELIABILITY.md):
#   scripts/fuzz.sh TARGET SECONDS        e.g.  nice -n 10 scripts/fuzz.sh safetensors 300
#   scripts/fuzz.sh list                  the targets
# The short regression over the committed seed corpus runs in `mvn test` anyway; this script is the
# other mode (JAZZER_FUZZ=1), which runs one @FuzzTest for SECONDS and stops at the first finding.
# A finding (any throwable other than Lowrank4jException, a hang over 10 s per input, an OOM) fails
# the run; Jazzer stores the input as crash-<sha1> in the target's seed folder
# (lowrank4j-core/src/test/resources/dev/lowrank4j/fuzz/<Class>Inputs/<method>/), where `mvn test`
# replays it from then on. The corpus the fuzzer grows is kept in lowrank4j-core/.cifuzz-corpus/
# (not committed) so a second campaign continues where the first stopped.
#
# Builds into lowrank4j-core/target-fuzz with -Pfuzz: Jazzer 0.24's instrumentation cannot read
# Java 25 class files (major 69), so that profile compiles the same sources for class version 23.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

declare -A TARGETS=(
  [safetensors]='SafeTensorsFuzzTest#openAndRead'
  [idx]='IdxFuzzTest#imagesAndLabels'
  [config]='HfConfigFuzzTest#configJson'
  [peft]='PeftConfigFuzzTest#adapterConfig'
  [onnx]='OnnxFuzzTest#model'
  [bnb]='BnbQuantStateFuzzTest#bnbLayout'
  [bnb-state]='BnbQuantStateFuzzTest#quantStateJson'
  [quantized]='QuantizedFolderFuzzTest#folder'
  [checkpoint]='CheckpointFuzzTest#trainerStateAndOptimizer'
  [token-ids]='TokenIdsFuzzTest#corpusWindowsAndIds'
)

usage() {
  echo "usage: scripts/fuzz.sh TARGET SECONDS   (TARGET: ${!TARGETS[*]})" >&2
  exit 1
}
[[ ${1:-} == list ]] && { for t in "${!TARGETS[@]}"; do echo "$t ${TARGETS[$t]}"; done | sort; exit 0; }
[[ $# -eq 2 ]] || usage
test=${TARGETS[$1]:-} || true
[[ -n $test ]] || { echo "error: unknown fuzz target '$1'" >&2; usage; }
[[ $2 =~ ^[1-9][0-9]*$ ]] || { echo "error: SECONDS must be a positive whole number, got '$2'" >&2; exit 1; }

export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
cd "$here"
# Not offline (-o): on a fresh machine the first campaign must be able to fetch the build's plugins.
# jazzer.internal.arg.N are the libFuzzer arguments jazzer-junit passes on (argument 0 is argv[0]);
# they come after the annotation's maxDuration, so -max_total_time here wins.
JAZZER_FUZZ=1 exec mvn -B -pl lowrank4j-core -Pfuzz test \
  -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.internal.arg.0=fuzz \
  -Djazzer.internal.arg.1=-max_total_time="$2" \
  -Djazzer.internal.arg.2=-timeout=10 \
  -Djazzer.internal.arg.3=-print_final_stats=1
