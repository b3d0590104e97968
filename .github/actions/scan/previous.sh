#!/usr/bin/env bash
# Fetches the previous baseline for the action (action.yml, step "previous"):
# the newest unexpired artifact named $PREVIOUS_ARTIFACT in the repository.
# The action uploads that artifact only after a complete scan (exit 0 or 1),
# so an incomplete scan (exit 3) never becomes the baseline.
#
#   PREVIOUS_ARTIFACT  artifact name; empty: no comparison
#   PREVIOUS_DIR       where report.json is unpacked
#   HISTORY            how many of the newest such artifacts to unpack into
#                      $PREVIOUS_DIR/history/<artifact id>/report.json for
#                      --history (0 or empty: none)
#   GH_TOKEN           token with actions: read
#   GITHUB_API_URL, GITHUB_REPOSITORY  set by GitHub Actions
#
# Writes found=true|false, file=<report.json> and run-id=<run> to $GITHUB_OUTPUT,
# and history-dir=<folder> when HISTORY unpacked any.
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
history=${HISTORY:-0}
if ! [[ $history =~ ^[0-9]+$ ]] || [ "$history" -gt 100 ]; then
  echo "::error::history: '$history' is not a number of scans from 0 to 100" >&2
  exit 1
fi
# shellcheck disable=SC2016 # $branch is a jq variable, not the shell's
eligible='[(.artifacts // [])[] | select(.expired | not)
  | select(.workflow_run.head_repository_id == .workflow_run.repository_id)
  | select($branch == "" or .workflow_run.head_branch == $branch)] | sort_by(.created_at)'
newest=$(jq -r --arg branch "$branch" "$eligible"' | last
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
if [ "$history" -gt 0 ]; then
  # The newest $history eligible artifacts, the one above included; one
  # without report.json is skipped (baseline names any file it leaves out).
  mapfile -t ids < <(jq -r --arg branch "$branch" --argjson n "$history" "$eligible"' | .[-$n:] | .[].id' "$work/list.json")
  kept=0
  for hid in "${ids[@]}"; do
    if ! [[ $hid =~ ^[0-9]+$ ]]; then continue; fi
    if ! curl -fsSL --retry 3 "${headers[@]}" -o "$work/h-$hid.zip" \
      "$api/repos/$GITHUB_REPOSITORY/actions/artifacts/$hid/zip"; then
      echo "::error::could not download artifact $hid ($name) for the history" >&2
      exit 1
    fi
    mkdir -p "$dir/history/$hid"
    if unzip -q -o "$work/h-$hid.zip" report.json -d "$dir/history/$hid" 2>/dev/null; then
      kept=$((kept + 1))
    else
      rmdir "$dir/history/$hid" 2>/dev/null || true
      echo "::warning::artifact $hid ($name) has no report.json: left out of the history"
    fi
  done
  echo "History: $kept earlier complete scan(s) in $dir/history."
  if [ "$kept" -gt 0 ]; then out "history-dir=$dir/history"; fi
fi
out found=true
out "file=$dir/report.json"
out "run-id=${run}"
