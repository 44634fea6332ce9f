#!/bin/sh
# Build libjitdump.so next to this script.
set -e
cd "$(dirname "$0")"
JH=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
gcc -O2 -g -Wall -Wextra -fPIC -shared -I"$JH/include" -I"$JH/include/linux" \
    -o libjitdump.so jitdump.c -lpthread
