#!/bin/sh
# The MQTT users of field devices on the production Mosquitto (docker-compose.yml; README, "Adding a device").
# The username is the device id; deploy/mosquitto/acl lets it publish only that device's topics.
#
#   deploy/mosquitto/device-user.sh add <device-id> [<secret>]   # the secret the IOC issued
#                                                                 # (POST /api/admin/devices/<id>/credentials),
#                                                                 # or a new random one, printed once
#   deploy/mosquitto/device-user.sh remove <device-id>           # revoke, and close its open connection
#   deploy/mosquitto/device-user.sh list
#
# Runs the tools inside the broker's container (`docker compose` in the repository root), as the broker's
# own user so the password file stays readable to it. mosquitto_passwd keeps only a salted hash.
# MOSQUITTO_LOCAL_PID=<pid> instead runs them here against that broker process (the test does:
# ioc-server/test/mosquitto-config.int.spec.ts), with MOSQUITTO_PASSWD_FILE and MOSQUITTO_PORT.
set -eu
cd "$(dirname "$0")/../.."
PASSWD=${MOSQUITTO_PASSWD_FILE:-/mosquitto/data/passwd}
PORT=${MOSQUITTO_PORT:-1883}
SERVICE=${MOSQUITTO_SERVICE:-mosquitto}
if [ -n "${MOSQUITTO_LOCAL_PID:-}" ]; then
  broker() { "$@"; }
  reload() { kill -HUP "$MOSQUITTO_LOCAL_PID"; }
else
  broker() { docker compose exec -T -u mosquitto "$SERVICE" "$@"; }
  reload() { docker compose kill -s HUP "$SERVICE" >/dev/null; }
fi

usage() {
  sed -n '2,9p' "$0" >&2
  exit 2
}
check_id() {
  # Device ids as topics carry them (streams: ^[a-z0-9][a-z0-9_-]{0,63}$); `ioc` is the server's user.
  if ! printf '%s' "$1" | grep -Eq '^[a-z0-9][a-z0-9_-]{0,63}$' || [ "$1" = ioc ]; then
    echo "device-user: \"$1\" is not a device id (a-z, 0-9, _ and -, at most 64, not \"ioc\")" >&2
    exit 2
  fi
}

[ $# -ge 1 ] || usage
case "$1" in
  add)
    [ $# -ge 2 ] && [ $# -le 3 ] || usage
    check_id "$2"
    secret=${3:-}
    generated=no
    if [ -z "$secret" ]; then
      # 256 random bits, URL-safe, like the IOC's own device secrets.
      secret="ioc_dev_$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '=\n')"
      generated=yes
    fi
    broker mosquitto_passwd -b "$PASSWD" "$2" "$secret"
    # SIGHUP reloads the password file and the ACL.
    reload
    echo "device-user: $2 may now publish its own topics (username $2)"
    if [ "$generated" = yes ]; then
      echo "secret (shown once, configure it on the device as the MQTT password): $secret"
    fi
    ;;
  remove)
    [ $# -eq 2 ] || usage
    check_id "$2"
    # A reload does not end the device's open connection. The broker uses the username as client id
    # (use_username_as_clientid), so one login as that user takes the connection over (MQTT-3.1.4-2): give
    # the user a throw-away password, log in with it once, then delete the user. (Restarting the broker
    # would also cut it, but loses messages to shared subscriptions: README, "What survives what".)
    throwaway=$(openssl rand -hex 24)
    broker mosquitto_passwd -b "$PASSWD" "$2" "$throwaway"
    reload
    sleep 1
    broker mosquitto_sub -h 127.0.0.1 -p "$PORT" -u "$2" -P "$throwaway" -t "hue/revoked/$2" -W 1 \
      >/dev/null 2>&1 || true
    broker mosquitto_passwd -D "$PASSWD" "$2"
    reload
    echo "device-user: $2 removed, its connection closed"
    ;;
  list)
    broker cut -d: -f1 "$PASSWD"
    ;;
  *) usage ;;
esac
