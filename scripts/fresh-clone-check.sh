#!/usr/bin/env bash
# Fresh-clone check: does the committed product start from a bare clone, with nothing beside it?
#   scripts/fresh-clone-check.sh [--integration]
# Clones HEAD of this repository into an empty temporary folder (so ../shared or any other sibling is out of
# reach), runs `npm ci` and `npm start` there (DEMO and SIMULATOR on, as `npm start` defaults) on free ports,
# waits for GET /readyz = 200, publishes one Kim Long reading over MQTT to the embedded broker and checks that
# a /live client that sends only { token } sees it (scripts/fresh-clone-probe.mjs). With --integration it
# then runs the integration suite from the clone (vitest project `integration`; the IOC_TEST_* variables of
# the environment, set by .ci/run, pass through). Uses the `node` and `npm` first on PATH.
# Only committed changes are tested: the clone is of HEAD. The clone and the server are removed on exit.
set -euo pipefail

READY_TIMEOUT_S="${READY_TIMEOUT_S:-180}"
integration=false
for arg in "$@"; do
  case "$arg" in
    --integration) integration=true ;;
    *)
      echo "usage: $0 [--integration]" >&2
      exit 2
      ;;
  esac
done

log() { printf '\n--> fresh clone: %s\n' "$*"; }
die() {
  printf '\nfresh clone: FAILED: %s\n' "$*" >&2
  exit 1
}

repo="$(git -C "$(dirname "${BASH_SOURCE[0]}")/.." rev-parse --show-toplevel)"
commit="$(git -C "$repo" rev-parse HEAD)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/hue-ioc-fresh.XXXXXX")"
# The clone's parent holds the clone and nothing else; the server log lives outside it.
parent="$tmp/parent"
clone="$parent/hue-ioc"
mkdir "$parent"
server_pid=''
server_log="$tmp/server.log"

stop_server() {
  [[ -n "$server_pid" ]] || return 0
  if kill -0 "$server_pid" 2>/dev/null; then
    # npm start runs in its own process group (set -m below): stop npm and the node server it started.
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 -- "-$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$server_pid" 2>/dev/null || true
  fi
  server_pid=''
}

cleanup() {
  local status=$?
  stop_server
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

http_status() {
  node -e "fetch(process.argv[1]).then((r) => console.log(r.status), () => console.log(0))" "$1"
}

free_port() {
  node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"
}

started=$SECONDS
log "commit $commit of $repo (HEAD: uncommitted changes are not tested)"
if [[ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]]; then
  echo "note: the working tree has uncommitted changes; they are not in the clone"
fi
echo "node $(node --version), npm $(npm --version), into $clone"
git clone --quiet --no-hardlinks "$repo" "$clone"
git -C "$clone" checkout --quiet --detach "$commit"
[[ "$(ls -A "$parent")" == hue-ioc ]] || die "the clone's parent folder $parent holds more than the clone"

log 'npm ci'
(cd "$clone" && npm ci --no-audit --no-fund)
echo "npm ci took $((SECONDS - started)) s so far"

port="$(free_port)"
mqtt_port="$(free_port)"
while [[ "$mqtt_port" == "$port" ]]; do mqtt_port="$(free_port)"; done
log "npm start (PORT=$port MQTT_PORT=$mqtt_port; log: $server_log)"
set -m
(cd "$clone" && exec env PORT="$port" MQTT_PORT="$mqtt_port" npm start) >"$server_log" 2>&1 &
server_pid=$!
set +m

ready_started=$SECONDS
code=''
until [[ "$code" == 200 ]]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo '--- server log ---' >&2
    cat "$server_log" >&2
    die 'npm start exited before /readyz answered 200'
  fi
  if ((SECONDS - ready_started >= READY_TIMEOUT_S)); then
    echo '--- server log ---' >&2
    cat "$server_log" >&2
    echo "--- last /readyz answer (HTTP ${code:-none}) ---" >&2
    node -e "fetch(process.argv[1]).then((r) => r.text()).then(console.log, console.log)" "http://127.0.0.1:$port/readyz" >&2 || true
    die "GET /readyz was not 200 within ${READY_TIMEOUT_S} s"
  fi
  sleep 1
  code="$(http_status "http://127.0.0.1:$port/readyz")"
done
echo "GET /readyz = 200 after $((SECONDS - ready_started)) s (includes the web build if it ran)"

log '/live client with auth { token } only sees an MQTT reading'
if ! (cd "$clone" && node scripts/fresh-clone-probe.mjs "http://127.0.0.1:$port" "mqtt://127.0.0.1:$mqtt_port"); then
  echo '--- server log (last 100 lines) ---' >&2
  tail -n 100 "$server_log" >&2
  die 'the /live probe failed'
fi
log 'stopping the server'
stop_server

if $integration; then
  log 'integration suite from the clone (vitest --project integration)'
  echo "IOC_TEST_MQTT_URL=${IOC_TEST_MQTT_URL:-unset} IOC_TEST_REDIS_URL=${IOC_TEST_REDIS_URL:-unset} IOC_TEST_DATABASE_URL=${IOC_TEST_DATABASE_URL:+set}"
  (cd "$clone" && npx vitest run --project integration)
fi

log "passed on node $(node --version) in $((SECONDS - started)) s"
