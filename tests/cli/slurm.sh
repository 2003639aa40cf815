# workflow/Snakefile on a real Slurm scheduler: scripts/slurm-local starts munged, slurmctld and slurmd on loopback
# in this test's folder, Snakemake 7.21 submits every job with --slurm (through workflow/profiles/slurm), the
# outputs are checked as in the local run, a failing job fails the workflow, and only the daemons started here are
# stopped (by their recorded process ids, on exit). Skipped (77, with the reason) where Slurm cannot run: not root,
# packages absent, or no `wgskit call` yet.
source "$(dirname "$0")/common.bash"
source "$(dirname "$0")/workflow.bash"
require_workflow_tools
[ "$(id -u)" -eq 0 ] || skip "a single-node Slurm needs root here (slurmd starts jobs as their user)"
for tool in munged slurmctld slurmd sbatch sinfo; do
    command -v "$tool" >/dev/null || skip "$tool absent (Debian: slurmctld slurmd slurm-client munge; run scripts/setup)"
done
# One small sample in two calling chunks: every job here is an sbatch job that starts Snakemake twice (batch
# script and job step), so the job count sets the run time.
make_workflow_inputs S2 20001

CLUSTER=$WORK/slurm
trap 'bash "$SRC/scripts/slurm-local" stop "$CLUSTER"' EXIT
rc=0
bash "$SRC/scripts/slurm-local" start "$CLUSTER" >"$WORK/start.out" 2>"$WORK/start.err" || rc=$?
[ "$rc" -eq 77 ] && skip "$(cat "$WORK/start.err")"
[ "$rc" -eq 0 ] && pass "single-node Slurm up ($(SLURM_CONF=$CLUSTER/slurm.conf sinfo -h -N -o "%N %T %c CPUs" 2>/dev/null))" || { fail "slurm-local start: $(cat "$WORK/start.err")"; finish; }
export SLURM_CONF=$CLUSTER/slurm.conf
export USER=${USER:-$(id -un)} # Snakemake 7.21's Slurm executor reads it

SNAKE=(snakemake -s "$SRC/workflow/Snakefile" --configfile "$WORK/config.yaml" --directory "$WORK"
    --profile "$SRC/workflow/profiles/slurm" --jobs 4 --retries 0 --latency-wait 5)
start=$(date +%s)
if timeout 900 "${SNAKE[@]}" >"$WORK/run.log" 2>&1; then
    pass "snakemake --profile workflow/profiles/slurm ($(($(date +%s) - start)) s)"
else
    fail "snakemake on Slurm failed: $(tail -40 "$WORK/run.log")"
fi
n=$(grep -c "Job .* has been submitted with SLURM jobid" "$WORK/run.log" || true)
[ "$n" -ge 7 ] && pass "$n jobs went through sbatch" || fail "only $n jobs submitted to Slurm: $(grep -i slurm "$WORK/run.log" | head)"
ls "$WORK"/.snakemake/slurm_logs/*/*.log >/dev/null 2>&1 && pass "Slurm job logs written" || fail "no .snakemake/slurm_logs"
check_workflow_outputs S2 2

# A job that fails on the cluster fails the workflow (quickly), and leaves no output under its final name.
printf 'S3\t%s\t%s\n' "$WORK/reads/S2_R1.fq.gz" "$DATA/chr22_40k.fa" >>"$WORK/samples.tsv"
start=$(date +%s)
if timeout 300 "${SNAKE[@]}" >"$WORK/fail.log" 2>&1; then
    fail "a workflow with a failing job succeeded"
else
    pass "a failing Slurm job fails the workflow ($(($(date +%s) - start)) s)"
fi
[ ! -e "$WORK/results/S3/S3.bam" ] && pass "no BAM under the final name after the failure" || fail "S3.bam left behind"
squeue -h 2>/dev/null | grep -q . && fail "jobs left in the queue: $(squeue -h)" || pass "queue empty"

bash "$SRC/scripts/slurm-local" stop "$CLUSTER"
trap - EXIT
left=0
while read -r name pid; do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] && { left=1; fail "$name ($pid) still running"; }
done <"$CLUSTER/pids.stopped"
[ "$left" -eq 0 ] && pass "the daemons started here are stopped"
finish
