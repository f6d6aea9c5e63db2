#!/usr/bin/env bash
# Mutation testing of the modules that hold the rules (issue #22), each against the tests that
# guard it: mutmut changes one thing at a time (a comparison, a constant, a string, a return
# value…) and runs those tests; a mutant no test notices "survives". Not part of CI (minutes to
# tens of minutes). It works on a throwaway clone of the committed tree, so the working tree is
# never touched, and on its own database (MUTATE_DATABASE_URL).
#   scripts/mutate.sh                     every module below
#   scripts/mutate.sh issues/policy.py    one of them
# Prints, per module, mutmut's counts (killed, survived, no tests…) and the surviving mutants'
# names; `cd <clone> && mutmut show <name>` shows one.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
work="$(mktemp -d "${TMPDIR:-/tmp}/casa-map-mutate.XXXXXX")"
export DATABASE_URL="${MUTATE_DATABASE_URL:-postgis:///casa_map_mutate}"

declare -A GUARDS=(
  [casa_map/inputs.py]="tests/casa_map/test_inputs.py"
  [issues/policy.py]="tests/gates/test_policy.py tests/gates/test_client_identity.py tests/staff/test_scope.py tests/staff/test_workflow.py tests/issues/test_owner_actions.py tests/issues/test_submission_key.py tests/issues/test_attachment_files.py"
  [issues/public_view.py]="tests/gates/test_public_view.py tests/planning/test_heatmap.py tests/issues/test_public_map_api.py"
  [districts/routing.py]="tests/districts/test_routing.py tests/districts/test_api.py"
)
modules=("$@")
[[ ${#modules[@]} -gt 0 ]] || modules=(casa_map/inputs.py issues/policy.py issues/public_view.py districts/routing.py)

"$venv/bin/pip" install --quiet mutmut==3.8.1
git clone --quiet "$root" "$work/tree"
cd "$work/tree"
cp "$root/.env" .env 2>/dev/null || true
"$venv/bin/python" manage.py compilemessages --ignore=.venv -v 0
cp pyproject.toml pyproject.base.toml

list() { printf '"%s", ' "$@"; }
for module in "${modules[@]}"; do
  read -r -a tests <<< "${GUARDS[$module]:?no guarding tests listed for $module}"
  echo "=== $module (guarded by: ${tests[*]})"
  rm -rf mutants
  cp pyproject.base.toml pyproject.toml
  cat >> pyproject.toml <<TOML

[tool.mutmut]
source_paths = ["$module"]
pytest_add_cli_args_test_selection = [$(list "${tests[@]}")]
pytest_add_cli_args = ["-p", "no:randomly", "-q"]
also_copy = ["casa_map", "districts", "issues", "staff", "alerts", "planning", "open311", "accounts", "bench", "tests", "templates", "locale", "fixtures", "static", "manage.py", ".env"]
TOML
  # One test process at a time: the guarding tests share one test database.
  "$venv/bin/mutmut" run --max-children 1 > "$work/$(tr / _ <<< "$module").log" 2>&1 || true
  "$venv/bin/mutmut" export-cicd-stats > /dev/null 2>&1 || true
  python3 -c 'import json,sys; s=json.load(open("mutants/mutmut-cicd-stats.json")); print("   killed {killed}, survived {survived}, no tests {no_tests}, timeout {timeout}, total {total}; score {score:.0%}".format(score=s["killed"]/max(1,s["total"]-s["no_tests"]), **s))'
  "$venv/bin/mutmut" results 2>/dev/null | sed 's/^/   /' || true
  cp -r mutants "$work/mutants-$(tr / _ <<< "$module")"
done
echo "Clone with the last module's mutants: $work/tree (mutmut show <name>)"
