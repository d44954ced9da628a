#!/usr/bin/env bash
# Submits the job to a cluster with spark-submit (Spark 4.1, Scala 2.13), using the shaded jar:
#   MASTER=spark://host:7077 jobs/submit.sh run --as-of 2026-11-21 --input hdfs:///raw/sales \
#       --warehouse hdfs:///lake --config conf/cluster.conf
# Environment: SPARK_SUBMIT (default: spark-submit on PATH), MASTER (default local[*]),
# DEPLOY_MODE (client), DRIVER_MEMORY (4g), EXECUTOR_MEMORY (8g), and SPARK_SUBMIT_ARGS for any
# further spark-submit options (e.g. "--num-executors 20 --conf spark.sql.shuffle.partitions=800").
# Driver and executors run the parallel (throughput) collector: see docs/performance.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/target/value-tiering-0.1.0-SNAPSHOT-shaded.jar"
if [[ ! -f "$jar" || -n "$(find "$root/src" "$root/conf" "$root/pom.xml" -newer "$jar" -print -quit)" ]]; then
  echo "building the shaded jar (mvn package) ..." >&2
  (cd "$root" && mvn -q -B -DskipTests package >&2)
fi
# shellcheck disable=SC2086
exec "${SPARK_SUBMIT:-spark-submit}" \
  --class io.valuetier.Main \
  --name "value-tiering ${1:-}" \
  --master "${MASTER:-local[*]}" \
  --deploy-mode "${DEPLOY_MODE:-client}" \
  --driver-memory "${DRIVER_MEMORY:-4g}" \
  --executor-memory "${EXECUTOR_MEMORY:-8g}" \
  --driver-java-options "-XX:+UseParallelGC -Dlog4j2.configurationFile=file:$root/conf/log4j2.properties" \
  --conf spark.executor.extraJavaOptions=-XX:+UseParallelGC \
  ${SPARK_SUBMIT_ARGS:-} \
  "$jar" "$@"
