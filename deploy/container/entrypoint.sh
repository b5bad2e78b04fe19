#!/bin/sh
# The image's entrypoint: one image, three jobs.
#   web      the web server (SALONKEEP_HOST:SALONKEEP_PORT, /healthz)
#   worker   one arq worker
#   migrate  migrations + row-level security, then exit (run before web/worker on every deploy)
#   healthcheck web|worker, or any other salonkeep command (e.g. `tenant list`, `backup ...`)
set -eu
if [ "$#" -eq 0 ]; then
    set -- web
fi
case "$1" in
    web | worker | migrate)
        exec salonkeep "$1"
        ;;
    *)
        exec salonkeep "$@"
        ;;
esac
