#!/usr/bin/env bash
# Checks the HTML reports in headless Chromium (docs/RELIABILITY.md, "Reports"):
#   scripts/check-reports.sh
# Runs ReportsInChromiumTest with LOWRANK4J_REQUIRE_CHROMIUM=1: tiny real runs (pretrain with
# bounds, PeriodicLoRA finetune, compare of full and galore, DLRT on a synthetic IDX set) write
# their reports; each is opened in Chromium, which must log no console error, throw no exception
# and request nothing but the report's own file; a deliberately bad page must be reported for both.
# Screenshots and copies of the reports land in lowrank4j-cli/target/report-screenshots/.
# Exits non-zero on any problem, or when Chromium is missing (apt-get install chromium, or set
# CHROMIUM=/path/to/chrome).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
  for cand in /usr/lib/jvm/*; do
    if [ -x "$cand/bin/javac" ] && "$cand/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
      export JAVA_HOME=$cand
      break
    fi
  done
fi
export LOWRANK4J_REQUIRE_CHROMIUM=1
mvn -q -B -pl lowrank4j-cli -am test -Dtest='ReportsInChromiumTest' -Dsurefire.failIfNoSpecifiedTests=false
echo "reports clean; screenshots in lowrank4j-cli/target/report-screenshots/"
ls lowrank4j-cli/target/report-screenshots/
