#!/usr/bin/env bash
# Fetches the previous baseline for the action (action.yml, step "previous"):
# the newest unexpired artifact named $PREVIOUS_ARTIFACT in the repository.
# The action uploads that artifact only after a complete scan (exit 0 or 1),
# so an incomplete scan (exit 3) never becomes the baseline.
#
#   PREVIOUS_ARTIFACT  artifact name; empty: no comparison
#   PREVIOUS_DIR       where report.json is unpacked
#   GH_TOKEN           token with actions: read
#   GITHUB_API_URL, GITHUB_REPOSITORY  set by GitHub Actions
#
# Writes found=true|false, file=<report.json> and run-id=<run> to $GITHUB_OUTPUT.
# A failed API call fails the step: running without the baseline would judge
# every known failure as the baseline again and hide regressions.
set -euo pipefail

out() { if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1" >>"$GITHUB_OUTPUT"; fi; }

name=${PREVIOUS_ARTIFACT:-}
if [ -z "$name" ]; then
  echo "No previous-artifact: this scan is not compared with an earlier one."
  out found=false
  exit 0
fi
if ! [[ $name =~ ^[A-Za-z0-9._-]+$ ]]; then
  echo "::error::previous-artifact: '$name' is not a plain artifact name (letters, digits, . _ -)" >&2
  exit 1
fi
: "${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}"
api=${GITHUB_API_URL:-https://api.github.com}
dir=${PREVIOUS_DIR:-previous}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
headers=(-H "Accept: application/vnd.github+json" -H "X-GitHub-Api-Version: 2022-11-28")
if [ -n "${GH_TOKEN:-}" ]; then headers+=(-H "Authorization: Bearer $GH_TOKEN"); fi

if ! curl -fsSL --retry 3 "${headers[@]}" -o "$work/list.json" \
  "$api/repos/$GITHUB_REPOSITORY/actions/artifacts?name=$name&per_page=100"; then
  echo "::error::could not list the artifacts named $name (the workflow needs permissions: actions: read)" >&2
  exit 1
fi
# The newest unexpired one uploaded by a run of this repository (not a fork's
# pull request) on this branch: a manual run on a feature branch must not
# become the scheduled scan's baseline. jq failing (not the API's JSON)
# fails the step.
branch=${GITHUB_REF_NAME:-}
newest=$(jq -r --arg branch "$branch" '[(.artifacts // [])[] | select(.expired | not)
  | select(.workflow_run.head_repository_id == .workflow_run.repository_id)
  | select($branch == "" or .workflow_run.head_branch == $branch)] | sort_by(.created_at) | last
  | if . == null then "" else "\(.id) \(.workflow_run.id // "")" end' "$work/list.json")
id="" run=""
read -r id run <<<"$newest" || true
if [ -z "${id:-}" ]; then
  echo "::notice::No previous $name artifact (first complete scan, or it expired): this scan sets the baseline."
  out found=false
  exit 0
fi
if ! curl -fsSL --retry 3 "${headers[@]}" -o "$work/artifact.zip" \
  "$api/repos/$GITHUB_REPOSITORY/actions/artifacts/$id/zip"; then
  echo "::error::could not download artifact $id ($name)" >&2
  exit 1
fi
mkdir -p "$dir"
unzip -q -o "$work/artifact.zip" report.json -d "$dir" || {
  echo "::error::artifact $id ($name) has no report.json" >&2
  exit 1
}
echo "Comparing with the report of run ${run:-?} (artifact $name, id $id)."
out found=true
out "file=$dir/report.json"
out "run-id=${run}"
