# Shared by the scripts that start a test server in the background (jobs/rest-catalog.sh,
# jobs/object-store.sh): whether the process of a pid file runs, and stopping it. Sourced, not run.

# Exit 0 when the pid file names a running process.
pid_running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stops the process of a pid file: SIGTERM, up to 10 s to exit, then SIGKILL; removes the file.
# Exit 1 when nothing ran.
pid_stop() {
  local pidfile="$1" pid
  if ! pid_running "$pidfile"; then
    rm -f "$pidfile"
    return 1
  fi
  pid="$(cat "$pidfile")"
  kill "$pid"
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$pidfile"
}
