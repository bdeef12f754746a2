#!/bin/sh
# The MQTT users of field devices on the production Mosquitto (docker-compose.yml; README, "Adding a device").
# The username is the device id; deploy/mosquitto/acl lets it publish only that device's topics.
#
#   deploy/mosquitto/device-user.sh add <device-id> [<secret>]   # the secret the IOC issued
#                                                                 # (POST /api/admin/devices/<id>/credentials),
#                                                                 # or a new random one, printed once
#   deploy/mosquitto/device-user.sh remove <device-id>           # revoke: removes the user, restarts the broker
#   deploy/mosquitto/device-user.sh list
#
# Runs `docker compose` in the repository root, as the broker's own user so the password file stays
# readable to it. mosquitto_passwd keeps only a salted hash (PBKDF2-SHA512).
set -eu
cd "$(dirname "$0")/../.."
PASSWD=/mosquitto/data/passwd
SERVICE=${MOSQUITTO_SERVICE:-mosquitto}
broker() { docker compose exec -T -u mosquitto "$SERVICE" "$@"; }

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
    # SIGHUP reloads the password file and the ACL; connected clients are not affected.
    docker compose kill -s HUP "$SERVICE" >/dev/null
    echo "device-user: $2 may now publish its own topics (username $2)"
    if [ "$generated" = yes ]; then
      echo "secret (shown once, configure it on the device as the MQTT password): $secret"
    fi
    ;;
  remove)
    [ $# -eq 2 ] || usage
    check_id "$2"
    broker mosquitto_passwd -D "$PASSWD" "$2"
    # A reload does not end the device's open connection; a restart does (sessions and queued QoS 1
    # messages persist, and the IOC and the other devices reconnect within seconds).
    docker compose restart "$SERVICE" >/dev/null
    echo "device-user: $2 removed; the broker restarted to close its connection"
    ;;
  list)
    broker cut -d: -f1 "$PASSWD"
    ;;
  *) usage ;;
esac
