#!/usr/bin/env bash
# A one-node Trino on this machine whose catalog "lake" is the Iceberg REST catalog of
# jobs/rest-catalog.sh, for the integration tests and for trying the queries of docs/bi.md:
#   jobs/trino.sh start    # serves http://127.0.0.1:$TRINO_PORT (default 8080)
#   jobs/trino.sh stop
#   jobs/trino.sh status
# Trino comes from the Maven registry: trino-server-core (the server without connectors) plus the
# Iceberg connector's plugin archive, fetched once into the local Maven repository and unpacked
# into target/trino/ (about 540 MB; the full trino-server tarball carries every connector).
# Trino needs Java 24 or later: TRINO_JAVA_HOME (default the Temurin 25 JDK of these machines).
# Small on purpose (1 GB heap, 2 processors): a test server on a shared machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

version="${TRINO_VERSION:-476}"
port="${TRINO_PORT:-8080}"
rest_uri="${REST_CATALOG_URI:-http://127.0.0.1:${REST_CATALOG_PORT:-8181}}"
java_home="${TRINO_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
state="$root/target/trino"
server="$state/trino-server-$version"
etc="$state/etc"
data="$state/data"
url="http://127.0.0.1:$port"

running() { [[ -x "$server/bin/launcher" ]] && "$server/bin/launcher" status --etc-dir "$etc" --data-dir "$data" >/dev/null 2>&1; }
# Ready once the coordinator has finished starting (the node counts itself as a worker).
ready() { curl -fs --max-time 2 "$url/v1/info" | grep -q '"starting":false'; }

# Maven's own output without its colour codes, on stderr.
mvn_quiet() { mvn -B -q -ntp "$@" 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d' >&2; }

install() {
  [[ -x "$server/bin/launcher" && -d "$server/plugin/iceberg" ]] && return 0
  echo "fetching Trino $version (trino-server-core and the Iceberg plugin, once) ..." >&2
  local download="$state/download"
  for artifact in "io.trino:trino-server-core:$version:tar.gz" "io.trino:trino-iceberg:$version:zip"; do
    mvn_quiet dependency:copy -Dartifact="$artifact" -DoutputDirectory="$download"
  done
  rm -rf "$server" "$state/unpack"
  mkdir -p "$state/unpack"
  tar -xzf "$download/trino-server-core-$version.tar.gz" -C "$state/unpack"
  (cd "$state/unpack" && unzip -q "$download/trino-iceberg-$version.zip")
  mkdir -p "$state/unpack/trino-server-core-$version/plugin"
  mv "$state/unpack/trino-iceberg-$version" "$state/unpack/trino-server-core-$version/plugin/iceberg"
  mv "$state/unpack/trino-server-core-$version" "$server"
  rm -rf "$state/unpack" "$download"
}

configure() {
  mkdir -p "$etc/catalog" "$data"
  cat >"$etc/node.properties" <<PROPS
node.environment=local
node.id=value-tiering-local
node.data-dir=$data
# Listen on the loopback address only.
node.bind-ip=127.0.0.1
node.internal-address=127.0.0.1
PROPS
  cat >"$etc/jvm.config" <<PROPS
-server
-Xmx${TRINO_MEMORY:-1G}
-XX:ActiveProcessorCount=2
-XX:+UseG1GC
-XX:+ExitOnOutOfMemoryError
-XX:-OmitStackTraceInFastThrow
-XX:ReservedCodeCacheSize=256M
-XX:PerMethodRecompilationCutoff=10000
-XX:PerBytecodeRecompilationCutoff=10000
-Djdk.attach.allowAttachSelf=true
-Djdk.nio.maxCachedBufferSize=2000000
-Dfile.encoding=UTF-8
-XX:+EnableDynamicAgentLoading
PROPS
  cat >"$etc/config.properties" <<PROPS
coordinator=true
node-scheduler.include-coordinator=true
http-server.http.port=$port
discovery.uri=$url
query.max-memory=512MB
query.max-memory-per-node=512MB
memory.heap-headroom-per-node=256MB
task.concurrency=2
task.max-worker-threads=4
PROPS
  # The Iceberg catalog on the REST server; the tables' files are local paths (file:/...), read
  # with Trino's native local file system rooted at /.
  cat >"$etc/catalog/lake.properties" <<PROPS
connector.name=iceberg
iceberg.catalog.type=rest
iceberg.rest-catalog.uri=$rest_uri
fs.native-local.enabled=true
local.location=/
PROPS
  # A lake on an S3-API store (jobs/object-store.sh): Trino's native S3 file system at the same
  # endpoint. Credentials are not written here: Trino's S3 client takes them from the environment
  # the server was started with (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), as the job does.
  if [[ -n "${OBJECT_STORE_ENDPOINT:-}" ]]; then
    cat >>"$etc/catalog/lake.properties" <<PROPS
fs.native-s3.enabled=true
s3.endpoint=$OBJECT_STORE_ENDPOINT
s3.region=${AWS_REGION:-us-east-1}
s3.path-style-access=true
PROPS
  fi
  # Quiet: warnings and errors only.
  echo "io.trino=WARN" >"$etc/log.properties"
}

start() {
  if running; then
    echo "Trino already running at $url"
    return 0
  fi
  install
  configure
  JAVA_HOME="$java_home" PATH="$java_home/bin:$PATH" \
    "$server/bin/launcher" start --etc-dir "$etc" --data-dir "$data" >/dev/null
  for _ in $(seq 1 600); do
    if ready; then
      echo "Trino $version at $url (catalog lake on $rest_uri, log $data/var/log/server.log)"
      return 0
    fi
    if ! running; then
      echo "trino: the server exited; $data/var/log/server.log ends with:" >&2
      tail -n 30 "$data/var/log/server.log" >&2 || true
      return 1
    fi
    sleep 0.5
  done
  echo "trino: not ready at $url after 300 s (log $data/var/log/server.log)" >&2
  stop
  return 1
}

stop() {
  if [[ -x "$server/bin/launcher" ]] && running; then
    JAVA_HOME="$java_home" "$server/bin/launcher" stop --etc-dir "$etc" --data-dir "$data" >/dev/null
    echo "Trino stopped"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running && ready; then echo "running at $url"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: jobs/trino.sh start|stop|status" >&2; exit 2 ;;
esac
