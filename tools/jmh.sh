#!/usr/bin/env bash
# Builds and runs the JMH micro-benchmarks of src/jmh/java (docs/benchmarks.md): tools/jmh.sh [JMH OPTIONS] [REGEX]
# e.g. tools/jmh.sh CheckerBenchmarks.pack, or tools/jmh.sh -wi 1 -i 3 -f 1 Simulator. `-h` lists JMH's options.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.classpath >&2
exec java -cp "target/jmh-classes:target/classes:$(cat target/jmh.classpath)" org.openjdk.jmh.Main "$@"
