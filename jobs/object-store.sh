#!/usr/bin/env bash
# An S3-compatible object store on this machine, for running the job and its lake on object storage
# without a cloud account:
#   jobs/object-store.sh start    # serves http://127.0.0.1:$OBJECT_STORE_PORT (default 9000)
#   jobs/object-store.sh stop
#   jobs/object-store.sh status
# The server is moto's (moto[server], pinned in jobs/requirements-integration.txt, run from the
# virtualenv VENV, default .venv): a real S3-protocol HTTP server (signed requests, multipart
# uploads), state in memory, gone at stop. It enforces credentials: the first three requests it
# gets are let through unauthenticated (INITIAL_NO_AUTH_ACTION_COUNT) and create, through its IAM
# API, a user with an access key and an allow-everything policy; from then on every request must be
# signed with that key, and one signed with another key or a wrong secret is refused (403).
# start then creates the buckets OBJECT_STORE_BUCKETS (default "lake raw") with that key and writes
#   target/object-store/credentials.env   (mode 600; never printed)
#     AWS_ACCESS_KEY_ID=...  AWS_SECRET_ACCESS_KEY=...  AWS_REGION=us-east-1
#     OBJECT_STORE_ENDPOINT=http://127.0.0.1:9000
# for tests and scripts: `set -a; . target/object-store/credentials.env; set +a`.
# State, log and pid: target/object-store/. Readiness is asked of moto's own /moto-api/config,
# which needs no credentials and does not use up the unauthenticated requests.
# Note: moto's /moto-api/ endpoints (reset, reset-auth) are themselves unauthenticated; the server
# listens on 127.0.0.1 only and is a test fixture, not a store to keep data in.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=jobs/pidfile.sh
. "$root/jobs/pidfile.sh"

port="${OBJECT_STORE_PORT:-9000}"
buckets="${OBJECT_STORE_BUCKETS:-lake raw}"
venv="${VENV:-$root/.venv}"
python="$venv/bin/python"
state="$root/target/object-store"
pidfile="$state/server.pid"
log="$state/server.log"
credentials="$state/credentials.env"
url="http://127.0.0.1:$port"

running() { pid_running "$pidfile"; }
answers() { curl -fs -o /dev/null --max-time 2 "$url/moto-api/config"; }

start() {
  mkdir -p "$state"
  if running; then
    echo "object store already running at $url (pid $(cat "$pidfile"), credentials $credentials)"
    return 0
  fi
  if ! "$python" -c 'import moto.server, boto3' 2>/dev/null; then
    echo "object-store: moto[server] and boto3 are not in $venv: $venv/bin/pip install -r jobs/requirements-integration.txt" \
      "(jobs/integration-test.sh does)" >&2
    return 1
  fi
  if answers; then
    echo "object-store: something else already answers at $url" >&2
    return 1
  fi
  rm -f "$credentials"
  local -a bucket_list
  read -r -a bucket_list <<<"$buckets"
  # Bootstrapping takes exactly three IAM calls (CreateUser, CreateAccessKey, PutUserPolicy).
  INITIAL_NO_AUTH_ACTION_COUNT=3 \
    nohup "$python" -m moto.server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
  echo $! >"$pidfile"
  local ready=""
  for _ in $(seq 1 300); do
    if answers; then ready=1; break; fi
    if ! running; then
      echo "object-store: the server exited; its log $log ends with:" >&2
      tail -n 20 "$log" >&2
      rm -f "$pidfile"
      return 1
    fi
    sleep 0.2
  done
  if [[ -z "$ready" ]]; then
    echo "object-store: no answer from $url after 60 s (log $log)" >&2
    stop
    return 1
  fi
  # The key goes straight from moto's answer into the file (umask 077), never to stdout or a log.
  if ! (umask 077 && OBJECT_STORE_ENDPOINT="$url" "$python" - "$credentials" "${bucket_list[@]}" <<'PY'
import os, sys
import boto3
from botocore.config import Config

endpoint = os.environ["OBJECT_STORE_ENDPOINT"]
path, buckets = sys.argv[1], sys.argv[2:]
region = "us-east-1"
config = Config(retries={"max_attempts": 1})
# Any key signs the three unauthenticated bootstrap calls; moto does not check it.
iam = boto3.client("iam", endpoint_url=endpoint, region_name=region, config=config,
                   aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam.create_user(UserName="value-tiering")
key = iam.create_access_key(UserName="value-tiering")["AccessKey"]
iam.put_user_policy(UserName="value-tiering", PolicyName="everything", PolicyDocument=(
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'))
# From here on moto checks every signature: the buckets are made with the new key.
s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region, config=config,
                  aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
for bucket in buckets:
    s3.create_bucket(Bucket=bucket)
with open(path, "w") as out:
    out.write(f"AWS_ACCESS_KEY_ID={key['AccessKeyId']}\n"
              f"AWS_SECRET_ACCESS_KEY={key['SecretAccessKey']}\n"
              f"AWS_REGION={region}\n"
              f"OBJECT_STORE_ENDPOINT={endpoint}\n")
PY
  ); then
    echo "object-store: creating the user, key and buckets failed (log $log)" >&2
    stop
    return 1
  fi
  echo "object store at $url (buckets: $buckets; credentials $credentials; log $log)"
}

stop() {
  if pid_stop "$pidfile"; then
    echo "object store stopped"
  fi
  # The key dies with the server's memory: a stale file would only be refused.
  rm -f "$credentials"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running && answers; then echo "running at $url"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: jobs/object-store.sh start|stop|status" >&2; exit 2 ;;
esac
