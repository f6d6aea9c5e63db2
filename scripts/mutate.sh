#!/usr/bin/env bash
# Mutation testing of the modules that hold the rules (issue #22), each against the tests that
# guard it: mutmut changes one thing at a time (a comparison, a constant, a return value…) and
# runs those tests; a mutant the tests do not notice "survives". Not part of CI: it takes tens of
# minutes. It works on a throwaway clone of the committed tree, so the working tree is never
# mutated, and on its own database (MUTATE_DATABASE_URL).
#   scripts/mutate.sh                     every module below
#   scripts/mutate.sh issues/policy.py    one of them
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
work="$(mktemp -d "${TMPDIR:-/tmp}/casa-map-mutate.XXXXXX")"
export DATABASE_URL="${MUTATE_DATABASE_URL:-postgis:///casa_map_mutate}"

declare -A GUARDS=(
  [casa_map/inputs.py]="tests/casa_map/test_inputs.py"
  [issues/policy.py]="tests/gates/test_policy.py tests/gates/test_client_identity.py tests/staff/test_scope.py tests/issues/test_owner_actions.py tests/issues/test_submission_key.py"
  [issues/public_view.py]="tests/gates/test_public_view.py"
  [districts/routing.py]="tests/districts/test_routing.py"
)
modules=("$@")
[[ ${#modules[@]} -gt 0 ]] || modules=("${!GUARDS[@]}")

"$venv/bin/pip" install --quiet mutmut==2.5.1
git clone --quiet "$root" "$work/tree"
cd "$work/tree"
cp "$root/.env" .env 2>/dev/null || true
"$venv/bin/python" manage.py compilemessages --ignore=.venv -v 0

for module in "${modules[@]}"; do
  tests="${GUARDS[$module]:?no guarding tests listed for $module}"
  echo "=== $module (guarded by: $tests)"
  rm -f .mutmut-cache
  "$venv/bin/mutmut" run --paths-to-mutate "$module" --no-progress \
    --runner "$venv/bin/python -m pytest -x -q -p no:randomly -p no:cacheprovider --reuse-db $tests" \
    || true  # mutmut exits non-zero when a mutant survives: the report below says which
  "$venv/bin/mutmut" results || true
  cp .mutmut-cache "$work/$(echo "$module" | tr / _).mutmut-cache"
done
echo "Mutants and their diffs: cd $work/tree && $venv/bin/mutmut show <id>"
