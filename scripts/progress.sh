# Progress lines for the scripts' downloads and long job lists (sourced, not run). The same rules as
# the Java commands (docs/RELIABILITY.md, "Progress"): a line before each step, done/total with
# elapsed time and ETA, and a heartbeat line every PROGRESS_HEARTBEAT seconds (default 10) while a
# single step runs long, so a log never stays silent.

# progress_start TOTAL: the number of steps about to run.
progress_start() {
    PROGRESS_TOTAL=$1
    PROGRESS_DONE=0
    PROGRESS_T0=$SECONDS
}

# Seconds as 1m05s.
progress_duration() {
    printf '%dm%02ds' $(($1 / 60)) $(($1 % 60))
}

# progress_step MESSAGE: prints "[k/N] MESSAGE (elapsed ..., eta ...)" for the step that starts now.
progress_step() {
    local elapsed=$((SECONDS - PROGRESS_T0)) eta='?'
    [ "$PROGRESS_DONE" -gt 0 ] && eta=$(progress_duration $((elapsed * (PROGRESS_TOTAL - PROGRESS_DONE) / PROGRESS_DONE)))
    PROGRESS_DONE=$((PROGRESS_DONE + 1))
    echo "[$PROGRESS_DONE/$PROGRESS_TOTAL] $1 (elapsed $(progress_duration "$elapsed"), eta $eta)"
}

# with_heartbeat LABEL COMMAND...: runs COMMAND (a program or a shell function), printing
# "LABEL: still running (elapsed ...)" every PROGRESS_HEARTBEAT seconds; returns its exit status.
with_heartbeat() {
    local label=$1 every=${PROGRESS_HEARTBEAT:-10} start=$SECONDS next pid
    shift
    next=$((start + every))
    "$@" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        if [ "$SECONDS" -ge "$next" ] && kill -0 "$pid" 2>/dev/null; then
            echo "$label: still running (elapsed $(progress_duration $((SECONDS - start))))"
            next=$((SECONDS + every))
        fi
    done
    wait "$pid"
}
