#!/bin/bash
# Usage: perf-java.sh OUTDIR -- java [JAVA ARGS...]
# Profiles a JVM with perf and the jitdump agent so perf report/annotate
# can name and disassemble JIT-compiled Java methods.
# Env: FREQ (default 2999), EVENT (default cpu-clock), JITDUMP_OPTS (extra agent options)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
AGENT=$HERE/libjitdump.so

if [ $# -lt 3 ] || [ "$2" != "--" ]; then
    echo "usage: $0 OUTDIR -- java ARGS..." >&2
    exit 2
fi
OUT=$1; shift 2
JAVA=$1; shift
[ -f "$AGENT" ] || "$HERE/build.sh"

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# jit-<pid>.dump and the jitted-<pid>-<n>.so files that perf inject makes live here
JITDIR=$OUT/jit
rm -rf "$JITDIR"; mkdir -p "$JITDIR"
rm -f "$OUT/perf.data" "$OUT/perf.jit.data"

# -k mono: the agent stamps records with CLOCK_MONOTONIC.
# DebugNonSafepoints: debug info at every pc, not only at safepoints, so
# samples in inlined code map to the right Java line/method.
perf record -k mono -e "${EVENT:-cpu-clock}" -F "${FREQ:-2999}" -o "$OUT/perf.data" -- \
    "$JAVA" "-agentpath:$AGENT=dir=$JITDIR${JITDUMP_OPTS:+,$JITDUMP_OPTS}" \
    -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints \
    "$@" || echo "perf-java.sh: java exited with $?" >&2

perf inject --jit -i "$OUT/perf.data" -o "$OUT/perf.jit.data"

cat <<MSG

Injected profile: $OUT/perf.jit.data
  perf report   -i $OUT/perf.jit.data --no-children --sort symbol
  perf annotate -i $OUT/perf.jit.data --stdio -s 'SYMBOL'
(keep $JITDIR: the jitted-*.so files there hold the code perf annotate disassembles)
MSG
