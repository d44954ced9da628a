#!/usr/bin/env bash
# Runs the job locally with Spark on the classpath (no cluster, no spark-submit):
#   jobs/local.sh generate --customers 10000 --output data/demo
#   jobs/local.sh run --as-of 2026-11-21 --input data/demo --warehouse warehouse
# Builds first when the main sources, conf/ or the pom are newer than the build (tests do not count). DRIVER_MEMORY (default 4g) sizes the JVM.
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

# shellcheck disable=SC2086
exec java -Xmx"${DRIVER_MEMORY:-4g}" $java_options \
  -Dspark.master="${SPARK_MASTER:-local[*]}" \
  -Dspark.ui.enabled="${SPARK_UI:-false}" \
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties" -Dvalue-tiering.log-dir="$root/target/logs" \
  -cp "$jar:$(cat "$classpath")" io.valuetier.Main "$@"
