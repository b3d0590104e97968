#!/usr/bin/env bash
# Runs the scan for the action (action.yml, step "scan") and writes the job
# summary. It never fails on the verdict itself: verdict.sh does, after the
# artifacts are uploaded.
#
#   BASELINE_BIN      the baseline binary
#   BASELINE_ARGS     extra scan flags, split on whitespace (e.g. --org --role-name X)
#   BASELINE_REGIONS  --regions (default all)
#   FAIL_ON, FAIL_ON_NEW (true|false), FORMATS, OUT_DIR
#   WAIVERS, TEAMS    files passed with --waivers / --teams when they exist
#   PREVIOUS_FILE     the previous report (empty: none)
#   HISTORY_DIR       earlier complete reports for --history (empty: none)
#   PREVIOUS_ARTIFACT the baseline artifact's name (empty: no baseline is kept)
#   MERGE_REPORTS     shard reports (glob patterns, split on whitespace): instead
#                     of scanning, merge them ('baseline merge') and report on
#                     the merged document ('baseline report'); the flags of the
#                     scan (BASELINE_ARGS, regions, waivers, teams) were the shards'
#
# Writes exit-code, complete (true for exit 0 or 1: a whole scan, fit to be
# the next baseline) and report to $GITHUB_OUTPUT, and appends the verdict and
# the Markdown report to $GITHUB_STEP_SUMMARY.
set -euo pipefail

out() { if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1" >>"$GITHUB_OUTPUT"; fi; }
summary() { if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat >>"$GITHUB_STEP_SUMMARY"; else cat >/dev/stderr; fi; }

bin=${BASELINE_BIN:?BASELINE_BIN is not set}
dir=${OUT_DIR:-baseline-out}
fail_on=${FAIL_ON:-high}
formats=${FORMATS:-json,markdown,html,ndjson,junit}
# json is the next baseline and markdown the job summary: always written.
for f in json markdown; do
  case ",$formats," in *",$f,"*) ;; *) formats="$formats,$f" ;; esac
done

merge_error=""
if [ -n "${MERGE_REPORTS:-}" ]; then
  # Shards of one sharded scan: merge, then report on the whole.
  read -r -a patterns <<<"${MERGE_REPORTS//$'\n'/ }"
  shopt -s nullglob
  files=()
  for p in "${patterns[@]}"; do
    # shellcheck disable=SC2206 # the pattern is globbed on purpose
    files+=($p)
  done
  shopt -u nullglob
  merged="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/baseline-merged-$$.json"
  echo "baseline merge ${files[*]} -o $merged"
  set +e
  if [ "${#files[@]}" -eq 0 ]; then
    echo "::error::merge-reports: no file matches '${MERGE_REPORTS}'" >&2
    mcode=2
  else
    "$bin" merge "${files[@]}" -o "$merged"
    mcode=$?
  fi
  set -e
  # merge exits 0, 1 or 3 with the merged verdict, which report recomputes
  # (with the previous report); anything else is an error.
  case "$mcode" in 0 | 1 | 3) ;; *) merge_error=$mcode ;; esac
  args=(report "$merged" --fail-on "$fail_on" --out-dir "$dir" --format "$formats")
else
  args=(scan --regions "${BASELINE_REGIONS:-all}" --fail-on "$fail_on" --out-dir "$dir" --format "$formats")
fi
if [ -n "${BASELINE_ARGS:-}" ] && [ -z "${MERGE_REPORTS:-}" ]; then
  set -f # no globbing of the flags
  read -r -a extra <<<"${BASELINE_ARGS//$'\n'/ }"
  set +f
  args+=("${extra[@]}")
fi
if [ -z "${MERGE_REPORTS:-}" ]; then
  if [ -n "${WAIVERS:-}" ] && [ -f "$WAIVERS" ]; then args+=(--waivers "$WAIVERS"); fi
  if [ -n "${TEAMS:-}" ] && [ -f "$TEAMS" ]; then args+=(--teams "$TEAMS"); fi
fi
if [ -n "${HISTORY_DIR:-}" ]; then args+=(--history "$HISTORY_DIR"); fi
compared=false
if [ -n "${PREVIOUS_FILE:-}" ]; then
  args+=(--previous "$PREVIOUS_FILE")
  compared=true
  if [ "${FAIL_ON_NEW:-true}" = true ]; then args+=(--fail-on-new); fi
fi

mkdir -p "$dir"
if [ -n "$merge_error" ]; then
  code=$merge_error
else
  echo "baseline ${args[*]}"
  set +e
  "$bin" "${args[@]}"
  code=$?
  set -e
fi
out "exit-code=$code"
case "$code" in 0 | 1) out complete=true ;; *) out complete=false ;; esac
out "report=$dir/report.json"

case "$code" in
  0) verdict="nothing failing at or above $fail_on" ;;
  1) if [ "$compared" = true ] && [ "${FAIL_ON_NEW:-true}" = true ]; then
       verdict="new or regressed failures at or above $fail_on since the previous scan"
     else
       verdict="failures at or above $fail_on"
     fi ;;
  3) verdict="incomplete scan: some AWS calls failed (see the collection errors); it will not become the next baseline" ;;
  *) verdict="the scan did not run to the end (exit $code): see the step's log" ;;
esac
{
  echo "**baseline: exit $code — $verdict.**"
  if [ "$compared" = false ] && [ -n "${PREVIOUS_ARTIFACT:-}" ]; then
    echo; echo "No previous complete scan to compare with: this one sets the baseline."
  fi
  echo
} | summary
if [ -f "$dir/report.md" ]; then
  # A step's summary is at most 1 MiB: the report is cut short before that,
  # saying where the whole one is.
  limit=$((1000 * 1024))
  size=$(wc -c <"$dir/report.md")
  if [ "$size" -gt "$limit" ]; then
    { head -c "$limit" "$dir/report.md"; printf '\n\n… cut at 1000 KiB of %s bytes: the whole report is in the artifact.\n' "$size"; } | summary
  else
    summary <"$dir/report.md"
  fi
fi
