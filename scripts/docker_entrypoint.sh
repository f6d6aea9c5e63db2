#!/usr/bin/env bash
# Container start for web, worker and beat: nothing to prepare (the one-shot `migrate` service
# has migrated and seeded before them); runs the service's command.
set -euo pipefail
exec "$@"
