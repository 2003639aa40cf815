# Sourced by the bench scripts that use the shared evaluation harness: sets root (this checkout), eval_dir
# (../shared/eval beside the checkout, or WGSKIT_EVAL_DIR) and data_dir (the shared data beside eval_dir).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
eval_dir="${WGSKIT_EVAL_DIR:-$root/../shared/eval}"
[ -d "$eval_dir" ] || { echo "$(basename "$0"): no evaluation harness at $eval_dir (set WGSKIT_EVAL_DIR)" >&2; exit 1; }
eval_dir="$(cd "$eval_dir" && pwd)"
data_dir="$(cd "$eval_dir/../data" && pwd)"
