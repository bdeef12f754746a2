#!/usr/bin/env bash
# The Dockerfile's runtime stage, without Docker: does the compiled server run from a production install?
#   scripts/runtime-image-check.sh
# Builds (npm run build), then in an empty temporary folder does what the runtime stage does: the manifests,
# `npm ci --omit=dev --ignore-scripts`, ioc-server/dist, ioc-web/build, ioc-server/migrations and geo/. Checks
# that no build tool came along (tsx, typescript, vite, esbuild), starts `node ioc-server/dist/server.js` there
# (as uid nobody when run as root, the code staying root-owned, as USER node in the image) on free ports with a
# temp DATA_DIR, SIMULATOR=off and DEMO=on, waits for GET /readyz = 200, and expects exit 0 after SIGTERM.
# Keep the copy list in step with the Dockerfile. The folder and the server are removed on exit.
set -euo pipefail

READY_TIMEOUT_S="${READY_TIMEOUT_S:-120}"

log() { printf '\n--> runtime image: %s\n' "$*"; }
die() {
  printf '\nruntime image: FAILED: %s\n' "$*" >&2
  [[ -s "${server_log:-}" ]] && tail -n 40 "$server_log" >&2
  exit 1
}

repo="$(git -C "$(dirname "${BASH_SOURCE[0]}")/.." rev-parse --show-toplevel)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/hue-ioc-runtime.XXXXXX")"
app="$tmp/app"
server_log="$tmp/server.log"
server_pid=''

cleanup() {
  local status=$?
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" || true; fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT

http_status() {
  node -e "fetch(process.argv[1]).then((r) => console.log(r.status), () => console.log(0))" "$1"
}

free_port() {
  node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

cd "$repo"
log 'npm run build'
npm run build

log "production install in $app"
mkdir -p "$app"
for f in package.json package-lock.json {layers,streams,ioc-server,ioc-web}/package.json; do
  install -D -m 644 "$f" "$app/$f"
done
started=$SECONDS
(cd "$app" && npm ci --omit=dev --ignore-scripts --no-fund --no-audit)
echo "npm ci --omit=dev: $((SECONDS - started)) s, node_modules $(du -sh "$app/node_modules" | cut -f1)"
for tool in tsx typescript vite esbuild vitest; do
  [[ ! -e "$app/node_modules/$tool" ]] || die "$tool is in the production install (a devDependency in dependencies?)"
done
mkdir -p "$app/ioc-server" "$app/ioc-web"
cp -R ioc-server/dist ioc-server/migrations "$app/ioc-server/"
cp -R ioc-web/build "$app/ioc-web/"
cp -R geo "$app/"

data="$tmp/data"
mkdir "$data"
run_as=()
if [[ "$(id -u)" == 0 ]]; then
  chown nobody "$data"
  chmod 755 "$tmp"
  run_as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
port="$(free_port)"
mqtt_port="$(free_port)"
while [[ "$mqtt_port" == "$port" ]]; do mqtt_port="$(free_port)"; done
log "node ioc-server/dist/server.js on port $port (MQTT $mqtt_port)${run_as:+ as nobody}"
(
  cd "$app"
  exec env -i PATH="$PATH" NODE_ENV=production PORT="$port" MQTT_PORT="$mqtt_port" DATA_DIR="$data" \
    SIMULATOR=off DEMO=on "${run_as[@]}" node --enable-source-maps ioc-server/dist/server.js
) >"$server_log" 2>&1 &
server_pid=$!

started=$SECONDS
until [[ "$(http_status "http://127.0.0.1:$port/readyz")" == 200 ]]; do
  kill -0 "$server_pid" 2>/dev/null || die 'the server exited before /readyz answered 200'
  ((SECONDS - started < READY_TIMEOUT_S)) || die "/readyz not 200 after ${READY_TIMEOUT_S} s"
  sleep 0.5
done
echo "/readyz 200 after $((SECONDS - started)) s"

kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=''
((status == 0)) || die "exit status $status after SIGTERM"
log 'passed'
