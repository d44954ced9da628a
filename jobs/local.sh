#!/usr/bin/env bash
# Runs the job locally with Spark on the classpath (no cluster, no spark-submit):
#   jobs/local.sh generate --customers 10000 --output data/demo
#   jobs/local.sh run --as-of 2026-11-21 --input data/demo --warehouse warehouse
# Builds first when the main sources, conf/ or the pom are newer than the build (tests do not count). DRIVER_MEMORY (default 4g) sizes the JVM.
# JVM start-up is tuned for short runs (below): a class-data archive per build, and a quick JIT for small inputs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

jar="target/value-tiering-0.1.0-SNAPSHOT.jar"
classpath="target/classpath.txt"
if [[ ! -f "$jar" || ! -f "$classpath" || -n "$(find src/main conf pom.xml -newer "$jar" -print -quit)" ]]; then
  echo "building (mvn package) ..." >&2
  mvn -q -B -DskipTests package >&2
  mvn -q -B dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile="$classpath" >&2
  # Maven leaves an unchanged jar untouched: mark it built, or a newer test file rebuilds every time.
  touch "$jar"
fi

# The JVM flags Spark needs on Java 17: the list the pom passes to the tests, read from one place.
java_options="$(sed -n 's:.*<spark.java.options>\(.*\)</spark.java.options>.*:\1:p' pom.xml)"
# Progress on stdout, Spark's own log and failure traces in target/logs/, one error line on stderr.
mkdir -p "$root/target/logs"

# A small input (transactions under 16 MiB, a few tens of thousands of customers) is graded in
# seconds: C2's optimized code would not pay back its compile time, and on few cores the compiler
# threads compete with the run. Larger inputs keep the full JIT.
jvm=()
input=""
for ((i = 1; i < $#; i++)); do
  if [[ "${!i}" == "--input" ]]; then j=$((i + 1)); input="${!j}"; fi
done
if [[ -n "$input" && -d "$input/transactions" ]] \
    && (( $(du -sb "$input/transactions" | cut -f1) < 16 * 1024 * 1024 )); then
  jvm+=(-XX:TieredStopAtLevel=1)
fi

# Class data sharing: the first run after a build archives the classes it loaded (Spark's are many
# thousands) and later runs map that archive instead of loading and verifying them again. The
# archive is written under a temporary name and renamed, so concurrent runs never see half of one.
cds="target/value-tiering.jsa"
jvm+=(-Xlog:cds=off -Xlog:cds+dynamic=off)
dump=""
if [[ -f "$cds" && "$cds" -nt "$jar" ]]; then
  jvm+=(-XX:SharedArchiveFile="$cds")
elif [[ "${1:-}" == "run" && " $* " != *" --help "* && " $* " != *" -h "* ]]; then
  dump="$cds.$$.tmp"
  jvm+=(-XX:ArchiveClassesAtExit="$dump")
fi

# The parallel collector: a run is a batch whose customer rows Spark keeps on the heap (a million
# customers fill most of a 4 GB one), and G1 answered its large buffers with full collections
# (15 s of a 1M run); the throughput collector took the run from 124 s to 106 s. jobs/submit.sh and
# the Airflow DAG pass the same flag to the driver and the executors.
jvm+=(-XX:+UseParallelGC)

# shellcheck disable=SC2086
command=(java -Xmx"${DRIVER_MEMORY:-4g}" $java_options "${jvm[@]}"
  -Dspark.master="${SPARK_MASTER:-local[*]}"
  -Dspark.ui.enabled="${SPARK_UI:-false}"
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -Dvalue-tiering.log-dir="$root/target/logs"
  -cp "$jar:$(cat "$classpath")" io.valuetier.Main "$@")
if [[ -z "$dump" ]]; then
  exec "${command[@]}"
fi
status=0
"${command[@]}" || status=$?
# Only a successful grading run's archive is kept: one that failed early (a wrong path, a missing
# option) or only printed its usage loaded a fraction of the classes, and its archive would serve
# every later run of the build (a 20 MB archive instead of 210 MB made 400 customers take 21.5 s
# instead of 16 s).
if [[ "$status" == 0 && -s "$dump" ]]; then mv -f "$dump" "$cds"; else rm -f "$dump"; fi
exit "$status"
