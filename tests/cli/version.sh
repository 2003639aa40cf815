# wgskit --version, --help everywhere, and WGSKIT_SIMD handling.
source "$(dirname "$0")/common.bash"

out=$("$WGSKIT" --version)
echo "$out"
for field in "wgskit " "compiler:" "simd compiled in:" "simd supported by this cpu:" "simd selected:"; do
    grep -qF "$field" <<<"$out" && pass "--version shows '$field'" || fail "--version lacks '$field'"
done

supported=$(sed -n 's/^simd supported by this cpu: //p' <<<"$out")
for arch in $supported; do
    sel=$(WGSKIT_SIMD=$arch "$WGSKIT" --version | sed -n 's/^simd selected: //p')
    [ "$sel" = "$arch" ] && pass "WGSKIT_SIMD=$arch selects it" || fail "WGSKIT_SIMD=$arch selected '$sel'"
done
best=$(sed -n 's/^simd selected: //p' <<<"$out")
first=${supported%% *}
[ "$best" = "$first" ] && pass "the best supported architecture is the default" || fail "default $best, best $first"

expect_fail "unknown WGSKIT_SIMD" "unknown architecture" env WGSKIT_SIMD=pentium "$WGSKIT" --version
compiled=$(sed -n 's/^simd compiled in: //p' <<<"$out")
for arch in sse4_2 avx2 avx512bw neon64; do
    if ! grep -qw "$arch" <<<"$supported"; then
        if grep -qw "$arch" <<<"$compiled"; then
            expect_fail "WGSKIT_SIMD=$arch on a CPU without it" "does not support" env WGSKIT_SIMD=$arch "$WGSKIT" --version
        else
            expect_fail "WGSKIT_SIMD=$arch not compiled in" "not compiled" env WGSKIT_SIMD=$arch "$WGSKIT" --version
        fi
    fi
done

"$WGSKIT" --help >/dev/null && pass "--help" || fail "--help"
for sub in $("$WGSKIT" --help | awk '/^Subcommands:/{f=1; next} f && NF {print $1}'); do
    "$WGSKIT" "$sub" --help >/dev/null && pass "$sub --help" || fail "$sub --help"
done
expect_fail "unknown subcommand" "unknown-thing" "$WGSKIT" unknown-thing
finish
