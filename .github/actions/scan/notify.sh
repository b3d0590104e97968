#!/usr/bin/env bash
# Posts the chat message for the action (action.yml, step "notify") when a
# webhook URL is configured. A failed post is a warning: the notification
# never changes the scan's verdict.
#
#   BASELINE_BIN, REPORT, WEBHOOK_KIND (slack|teams), NOTIFY_TEAM,
#   FAIL_ON, FAIL_ON_NEW (true|false), PREVIOUS_FOUND,
#   BASELINE_WEBHOOK_URL  the webhook URL (a secret: read by baseline from the
#                         environment, never on a command line)
set -euo pipefail
if [ -z "${BASELINE_WEBHOOK_URL:-}" ]; then
  echo "No webhook-url: no chat message."
  exit 0
fi
if [ ! -f "${REPORT:-}" ]; then
  echo "::warning::No report to notify about (${REPORT:-})."
  exit 0
fi
args=(notify "$REPORT" --kind "${WEBHOOK_KIND:-slack}" --webhook-url-env BASELINE_WEBHOOK_URL --fail-on "${FAIL_ON:-high}")
if [ "${FAIL_ON_NEW:-true}" = true ] && [ "${PREVIOUS_FOUND:-false}" = true ]; then args+=(--fail-on-new); fi
if [ -n "${NOTIFY_TEAM:-}" ]; then args+=(--team "$NOTIFY_TEAM"); fi
if ! "${BASELINE_BIN:?BASELINE_BIN is not set}" "${args[@]}"; then
  echo "::warning::The ${WEBHOOK_KIND:-slack} notification failed (see above); the scan's verdict stands."
fi
