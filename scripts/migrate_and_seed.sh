#!/usr/bin/env bash
# One-shot deployment step (compose `migrate`, `make serve`): migrations, the city's reference
# data, the blurred public copies of photos received before blurring existed; all idempotent.
# Demo complaints only where SEED_DEMO_COMPLAINTS=true.
set -euo pipefail
python manage.py migrate --no-input
python manage.py seed_city
python manage.py make_public_copies
if [[ "${SEED_DEMO_COMPLAINTS:-false}" == "true" ]]; then
  python manage.py seed_demo_complaints
fi
