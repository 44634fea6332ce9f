#!/usr/bin/env bash
# Runs a JVM command under async-profiler (CPU samples every millisecond, with the Java line of every frame) and
# writes a JFR recording: tools/async-profiler/profile.sh OUT.jfr -- COMMAND...
# The profiler's native library comes from Maven Central (tools.profiler:async-profiler) through the Maven
# wrapper, once, into target/async-profiler/. The agent reaches the JVM through JAVA_TOOL_OPTIONS, so COMMAND
# may be ./shootdown or java itself. tools/async-profiler/hot-lines.py OUT.jfr prints samples by source line.
set -euo pipefail
VERSION=4.0
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ $# -lt 3 ] || [ "$2" != "--" ]; then
  echo "usage: $0 OUT.jfr -- COMMAND..." >&2
  exit 2
fi
out="$(realpath -m "$1")"
shift 2
case "$(uname -m)" in
  x86_64) arch=linux-x64 ;;
  aarch64) arch=linux-arm64 ;;
  *) echo "async-profiler ships no library for $(uname -m)" >&2; exit 2 ;;
esac
dir="$here/target/async-profiler"
lib="$dir/$arch/libasyncProfiler.so"
if [ ! -f "$lib" ]; then
  mkdir -p "$dir"
  (cd "$here" && ./mvnw -q dependency:copy -Dartifact=tools.profiler:async-profiler:$VERSION -DoutputDirectory="$dir" >&2)
  (cd "$dir" && unzip -o -q "async-profiler-$VERSION.jar" "$arch/libasyncProfiler.so")
fi
# DebugNonSafepoints: samples in inlined code get their own line, not the line of the nearest safepoint.
export JAVA_TOOL_OPTIONS="-agentpath:$lib=start,event=cpu,interval=1ms,file=$out -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints ${JAVA_TOOL_OPTIONS:-}"
"$@"
