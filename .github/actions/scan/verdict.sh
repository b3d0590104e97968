#!/usr/bin/env bash
# Fails the action on the scan's verdict (action.yml, last step), after the
# summary, the artifacts and the notification.
#
#   EXIT_CODE           the scan's exit code (empty: the scan did not run)
#   PREVIOUS_FOUND      true when the scan was compared with a previous one
#   PREVIOUS_ARTIFACT   the baseline artifact's name; empty: no baseline is kept
#   FAIL_ON, FAIL_ON_NEW (true|false), FAIL_ON_INCOMPLETE (true|false)
set -euo pipefail
code=${EXIT_CODE:-}
fail_on=${FAIL_ON:-high}
case "$code" in
  0) echo "Nothing failing at or above $fail_on." ;;
  1)
    # Only a first run of a kept baseline passes on known failures: without
    # a baseline artifact every run would be "first", and never fail.
    if [ "${FAIL_ON_NEW:-true}" = true ] && [ "${PREVIOUS_FOUND:-false}" != true ] && [ -n "${PREVIOUS_ARTIFACT:-}" ]; then
      echo "::notice::Failures at or above $fail_on exist; with no previous complete scan they are the baseline, not regressions."
    elif [ "${FAIL_ON_NEW:-true}" = true ]; then
      echo "::error::New or regressed failures at or above $fail_on since the previous complete scan (see the job summary)."
      exit 1
    else
      echo "::error::Failures at or above $fail_on (see the job summary)."
      exit 1
    fi
    ;;
  3)
    if [ "${FAIL_ON_INCOMPLETE:-false}" = true ]; then
      echo "::error::The scan was incomplete: some AWS calls failed (see the report's collection errors)."
      exit 3
    fi
    echo "::warning::The scan was incomplete: some AWS calls failed (see the report's collection errors). It is not kept as the next baseline."
    ;;
  "") echo "::error::The scan did not run." ; exit 2 ;;
  *) echo "::error::baseline exited $code (usage, configuration or fatal error: see the scan step's log)." ; exit "$code" ;;
esac
