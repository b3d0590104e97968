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

args=(scan --regions "${BASELINE_REGIONS:-all}" --fail-on "$fail_on" --out-dir "$dir" --format "$formats")
if [ -n "${BASELINE_ARGS:-}" ]; then
  set -f # no globbing of the flags
  read -r -a extra <<<"${BASELINE_ARGS//$'\n'/ }"
  set +f
  args+=("${extra[@]}")
fi
if [ -n "${WAIVERS:-}" ] && [ -f "$WAIVERS" ]; then args+=(--waivers "$WAIVERS"); fi
if [ -n "${TEAMS:-}" ] && [ -f "$TEAMS" ]; then args+=(--teams "$TEAMS"); fi
compared=false
if [ -n "${PREVIOUS_FILE:-}" ]; then
  args+=(--previous "$PREVIOUS_FILE")
  compared=true
  if [ "${FAIL_ON_NEW:-true}" = true ]; then args+=(--fail-on-new); fi
fi

mkdir -p "$dir"
echo "baseline ${args[*]}"
set +e
"$bin" "${args[@]}"
code=$?
set -e
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
  if [ "$compared" = false ]; then echo; echo "No previous complete scan to compare with: this one sets the baseline."; fi
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
