# Crash-safe outputs: commands interrupted by SIGINT/SIGTERM while writing, or stopped by a file-size limit or a
# full disk, exit non-zero, leave nothing under the final name and no temporary files (".tmp.", sort runs, spill
# folders). Inputs are fed through a FIFO that stays open, so the command is reliably mid-run (output and
# temporaries open) when the signal arrives.
source "$(dirname "$0")/common.bash"
set -m # background jobs keep the default SIGINT disposition (without job control bash makes them ignore it)

PY=/usr/bin/python3
cd "$WORK"
mkdir spill
export TMPDIR=$WORK/spill # count's spill folders go here, so that the litter check sees them

litter() { find "$WORK" \( -name '*.tmp.*' -o -name '*.sort.*' -o -name 'wgskit-count.*' \) | head -5; }

# run_interrupted NAME SIGNAL FINAL_OUTPUT FEED_FILE COMMAND...: COMMAND reads stdin from the FIFO in.fifo, fed with
# FEED_FILE and then kept open; the signal comes once the feed is written and the command has started its output.
run_interrupted() {
    local name=$1 sig=$2 final=$3 feed=$4
    shift 4
    rm -f in.fifo && mkfifo in.fifo
    "$@" <in.fifo 2>"$name.err" &
    local pid=$!
    exec 3>in.fifo
    cat "$feed" >&3
    sleep 1
    local before
    before=$(litter | wc -l)
    kill -s "$sig" "$pid"
    local rc=0
    wait "$pid" || rc=$?
    exec 3>&-
    local want=$((128 + $(kill -l "$sig")))
    if [ "$rc" -ne "$want" ]; then
        fail "$name: exit status $rc, expected $want (killed by SIG$sig): $(cat "$name.err")"
    elif [ -e "$final" ]; then
        fail "$name: $final exists after SIG$sig"
    elif [ -n "$(litter)" ]; then
        fail "$name: temporaries left after SIG$sig: $(litter)"
    elif [ "$before" -eq 0 ]; then
        fail "$name: no temporary existed when SIG$sig came (the check proves nothing)"
    else
        pass "$name: SIG$sig removed its $before temporaries; no output"
    fi
    rm -f in.fifo
}

head -c 20000000 /dev/urandom >big.bin
"$WGSKIT" keygen -o key 2>/dev/null
for sig in INT TERM; do
    run_interrupted "encrypt" $sig out.c4gh big.bin "$WGSKIT" encrypt -k key.pub -o out.c4gh -
done

# sort: a SAM stream with a small memory budget spills runs, then waits for more input.
BAM=$SRC/../shared/data/giab_hg001_chr22_grch38_nfcore/reads/NA12878.chr22.bam
if command -v samtools >/dev/null && [ -f "$BAM" ]; then
    samtools view -h --no-PG "$BAM" >in.sam
    for sig in INT TERM; do
        run_interrupted "sort" $sig sorted.bam in.sam "$WGSKIT" sort -m 300K -o sorted.bam -
    done
else
    echo "note: samtools or the example BAM absent, sort interruption skipped"
fi

# count: spills bins to $TMPDIR with a small memory budget, then waits for more reads.
$PY -c '
import os, sys
bases = os.urandom(60000 * 150).translate(bytes(b"ACGT"[i % 4] for i in range(256)))
sys.stdout.write("".join("@r%d\n%s\n+\n%s\n" % (i, bases[i * 150:(i + 1) * 150].decode(), "I" * 150) for i in range(60000)))
' >reads.fq
for sig in INT TERM; do
    run_interrupted "count" $sig kmers.db reads.fq "$WGSKIT" count -k 25 -m 2M -o kmers.db -
done

# index: a 16 Mb reference; the signal comes at some point of the construction or of the writing.
random_fasta() { # NAME CONTIGS LENGTH
    $PY -c '
import os, sys
table = bytes(b"ACGT"[i % 4] for i in range(256))
for c in range(int(sys.argv[1])):
    s = os.urandom(int(sys.argv[2])).translate(table).decode()
    sys.stdout.write(">c%d\n%s\n" % (c, "\n".join(s[i:i + 80] for i in range(0, len(s), 80))))
' "$2" "$3" >"$1"
}
random_fasta ref.fa 4 4000000
random_fasta small_ref.fa 2 200000
for sig in INT TERM; do
    "$WGSKIT" index -p idx ref.fa 2>index.err &
    pid=$!
    sleep 2
    kill -s $sig $pid
    rc=0
    wait $pid || rc=$?
    if [ "$rc" -eq 0 ]; then
        echo "note: index finished before SIG$sig"; rm -f idx.wgsx
    elif [ "$rc" -ne $((128 + $(kill -l $sig))) ]; then
        fail "index: exit status $rc after SIG$sig"
    elif [ -e idx.wgsx ] || [ -n "$(litter)" ]; then
        fail "index: output or temporaries left after SIG$sig"
    else
        pass "index: SIG$sig leaves no output and no temporaries"
    fi
done

# A file-size limit (ulimit -f, in 1 KiB blocks): a clear error naming the file, exit 1, nothing left.
check_limited() {
    local name=$1 final=$2
    shift 2
    local rc=0
    (ulimit -f 100; "$@") >/dev/null 2>"$name.err" || rc=$?
    if [ "$rc" -ne 1 ]; then
        fail "$name under ulimit -f: exit status $rc: $(cat "$name.err")"
    elif ! grep -q "File too large" "$name.err" || ! grep -qF "$final" "$name.err"; then
        fail "$name under ulimit -f: unclear message: $(cat "$name.err")"
    elif [ -e "$final" ] || [ -n "$(litter)" ]; then
        fail "$name under ulimit -f: output or temporaries left"
    else
        pass "$name under ulimit -f: 'File too large' naming $final, nothing left"
    fi
}
check_limited "encrypt" limited.c4gh "$WGSKIT" encrypt -k key.pub -o limited.c4gh big.bin
"$WGSKIT" encrypt -k key.pub -o big.c4gh big.bin
check_limited "decrypt" limited.bin "$WGSKIT" decrypt -k key.sec -o limited.bin big.c4gh
[ -f in.sam ] && check_limited "sort" limited.bam "$WGSKIT" sort -o limited.bam in.sam
check_limited "index" limited.wgsx "$WGSKIT" index -p limited small_ref.fa

# A real full disk: a 1 MiB tmpfs, if this machine lets us mount one (root in a container often may not).
mkdir -p tiny
if mount -t tmpfs -o size=1m tmpfs tiny 2>/dev/null; then
    rc=0
    "$WGSKIT" encrypt -k key.pub -o tiny/full.c4gh big.bin 2>full.err || rc=$?
    if [ "$rc" -eq 1 ] && grep -q "No space left on device" full.err && grep -qF tiny/full.c4gh full.err &&
        [ -z "$(ls -A tiny)" ]; then
        pass "full disk: 'No space left on device' naming the file, nothing left"
    else
        fail "full disk: exit $rc, $(cat full.err), left: $(ls -A tiny)"
    fi
    umount tiny
else
    echo "note: cannot mount a tmpfs here; the full-disk check is covered by ulimit -f only"
fi

finish
