#!/usr/bin/env bash
# Iceberg's own REST catalog server on this machine, for the integration tests and for trying a
# production-style lake (tiering.lake.type = rest) without a catalog service:
#   jobs/rest-catalog.sh start    # serves http://127.0.0.1:$REST_CATALOG_PORT (default 8181)
#   jobs/rest-catalog.sh stop
#   jobs/rest-catalog.sh status
# The server is RESTCatalogServer from the test fixtures of org.apache.iceberg:iceberg-open-api,
# its classpath resolved by Maven from jobs/rest-catalog/pom.xml. Behind it, Iceberg's JDBC
# catalog on a SQLite file; tables and their files go to the warehouse REST_CATALOG_WAREHOUSE
# (default the folder target/rest-catalog/warehouse). Pass the same warehouse to the job's
# --warehouse so the saved models sit next to the tables. State and log: target/rest-catalog/.
# A warehouse on object storage, REST_CATALOG_WAREHOUSE=s3://bucket/prefix, is written through
# Iceberg's S3FileIO: to the store at OBJECT_STORE_ENDPOINT (path-style; empty: AWS S3 itself) in
# AWS_REGION (default us-east-1), with the credentials AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
# of the caller's environment, which the server inherits (never in a file or on its command line):
#   jobs/object-store.sh start && set -a && . target/object-store/credentials.env && set +a
#   REST_CATALOG_WAREHOUSE=s3://lake/tiering jobs/rest-catalog.sh start
# Clients read and write the table files themselves: they need the same endpoint and credentials
# (the server's /v1/config hands out none).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=jobs/pidfile.sh
. "$root/jobs/pidfile.sh"

port="${REST_CATALOG_PORT:-8181}"
state="$root/target/rest-catalog"
warehouse="${REST_CATALOG_WAREHOUSE:-$state/warehouse}"
case "$warehouse" in
  s3://*) on_s3=1 ;;
  *) on_s3=""; warehouse="$(realpath -m "$warehouse")" ;;
esac
pidfile="$state/server.pid"
log="$state/server.log"
url="http://127.0.0.1:$port"

running() { pid_running "$pidfile"; }
answers() { curl -fs -o /dev/null --max-time 2 "$url/v1/config"; }

classpath() {
  local cp="$state/classpath.txt" pom="jobs/rest-catalog/pom.xml"
  if [[ ! -s "$cp" || "$pom" -nt "$cp" ]]; then
    echo "resolving the REST catalog server (mvn -f $pom) ..." >&2
    mvn -B -q -ntp -f "$pom" dependency:build-classpath -Dmdep.outputFile="$cp" 2>&1 \
      | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d' >&2
  fi
  local classes="$state/classes" src="jobs/rest-catalog/LocalRestCatalog.java"
  if [[ ! -f "$classes/LocalRestCatalog.class" || "$src" -nt "$classes/LocalRestCatalog.class" ]]; then
    mkdir -p "$classes"
    javac -nowarn -d "$classes" -cp "$(cat "$cp")" "$src"
  fi
  echo "$classes:$(cat "$cp")"
}

start() {
  mkdir -p "$state"
  if running; then
    echo "REST catalog already running at $url (pid $(cat "$pidfile"))"
    return 0
  fi
  # The fixture reads its catalog properties from CATALOG_* variables (CATALOG_JDBC_SCHEMA__VERSION
  # becomes jdbc.schema-version). V1 is the schema the job's embedded catalog uses too.
  # An object-store lake keeps its own catalog file: tables of one kind never show up in the other.
  local db="$state/catalog.db"
  [[ -n "$on_s3" ]] && db="$state/catalog-s3.db"
  local -a catalog=(CATALOG_URI="jdbc:sqlite:$db" CATALOG_JDBC_SCHEMA__VERSION=V1)
  if [[ -n "$on_s3" ]]; then
    if [[ -z "${AWS_ACCESS_KEY_ID:-}" || -z "${AWS_SECRET_ACCESS_KEY:-}" ]]; then
      echo "rest-catalog: a warehouse on $warehouse needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the" \
        "environment (for jobs/object-store.sh: set -a; . target/object-store/credentials.env; set +a)" >&2
      return 1
    fi
    catalog+=(CATALOG_WAREHOUSE="$warehouse" CATALOG_IO__IMPL=org.apache.iceberg.aws.s3.S3FileIO
      CATALOG_CLIENT_REGION="${AWS_REGION:-us-east-1}")
    if [[ -n "${OBJECT_STORE_ENDPOINT:-}" ]]; then
      catalog+=(CATALOG_S3_ENDPOINT="$OBJECT_STORE_ENDPOINT" CATALOG_S3_PATH__STYLE__ACCESS=true)
    fi
  else
    mkdir -p "$warehouse"
    catalog+=(CATALOG_WAREHOUSE="file://$warehouse")
  fi
  local cp
  cp="$(classpath)"
  # Only these names and values go on env's command line; the AWS_* credentials are inherited.
  env "${catalog[@]}" \
    nohup java -Xmx"${REST_CATALOG_MEMORY:-256m}" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
      -cp "$cp" LocalRestCatalog 127.0.0.1 "$port" >"$log" 2>&1 &
  echo $! >"$pidfile"
  # Ready when it answers the first call every client makes.
  for _ in $(seq 1 300); do
    if answers; then
      echo "REST catalog at $url (warehouse $warehouse, log $log)"
      return 0
    fi
    if ! running; then
      echo "rest-catalog: the server exited; its log $log ends with:" >&2
      tail -n 20 "$log" >&2
      rm -f "$pidfile"
      return 1
    fi
    sleep 0.2
  done
  echo "rest-catalog: no answer from $url/v1/config after 60 s (log $log)" >&2
  stop
  return 1
}

stop() {
  if pid_stop "$pidfile"; then
    echo "REST catalog stopped"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running && answers; then echo "running at $url"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: jobs/rest-catalog.sh start|stop|status" >&2; exit 2 ;;
esac
