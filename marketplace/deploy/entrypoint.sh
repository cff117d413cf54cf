#!/bin/sh
# Entrypoint of the marketplace image. The web role (gunicorn) applies migrations
# before it serves, so a fresh deployment or an upgrade meets the schema its code
# expects; worker and beat wait for web to be healthy (docker-compose.yml) rather than
# race it. Any other command (celery, manage.py shell) runs as given.
set -eu

if [ "${1:-}" = "gunicorn" ]; then
    python manage.py migrate --noinput
fi

exec "$@"
