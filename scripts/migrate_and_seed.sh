#!/usr/bin/env bash
# One-shot deployment step (compose `migrate`, `make serve`): migrations and the city's reference
# data; both idempotent. (Photos without their blurred public copy are the worker's: beat's
# sweeper hands them over, `manage.py make_public_copies` makes them at once.)
# Demo complaints only where SEED_DEMO_COMPLAINTS=true.
set -euo pipefail
python manage.py migrate --no-input
python manage.py seed_city
if [[ "${SEED_DEMO_COMPLAINTS:-false}" == "true" ]]; then
  python manage.py seed_demo_complaints
fi
