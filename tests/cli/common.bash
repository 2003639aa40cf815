# Shared helpers for the command-line tests. Each test script is run by ctest as
#   bash tests/cli/NAME.sh WGSKIT_BINARY SOURCE_DIR WORK_DIR
set -euo pipefail
WGSKIT=$1
SRC=$2
WORK=$3
rm -rf "$WORK"
mkdir -p "$WORK"
DATA=$SRC/examples/data
failures=0
checks=0

pass() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAILED: $*"; }

# expect_fail "description" "message fragment" command...: must exit non-zero and print the fragment on stderr.
expect_fail() {
    local what=$1 fragment=$2
    shift 2
    local rc=0
    "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || rc=$?
    if [ "$rc" -eq 0 ]; then
        fail "$what: exit code 0"
    elif [ "$rc" -gt 128 ]; then
        fail "$what: killed by a signal ($rc)"
    elif ! grep -qF -- "$fragment" "$WORK/err.txt"; then
        fail "$what: stderr lacks '$fragment': $(cat "$WORK/err.txt")"
    else
        pass "$what"
    fi
}

finish() {
    echo "$((checks - failures)) passed, $failures failed"
    [ "$failures" -eq 0 ]
}
