#!/usr/bin/env bash
# Installs baseline for the action (action.yml, step "install").
#
#   BASELINE_VERSION   a release tag (v1.2.3): downloads the release archive
#                      baseline_<version>_<os>_<arch>.tar.gz and verifies its
#                      SHA-256 against the release's checksums.txt before
#                      unpacking; or "source": builds the action's own checkout
#                      with Go (for testing the action itself).
#   BASELINE_BIN_DIR   where to put the binary (default $RUNNER_TEMP/baseline-bin)
#   BASELINE_SOURCE_DIR  the checkout built for "source" (default $GITHUB_ACTION_PATH)
#   BASELINE_DOWNLOAD_BASE  release download URL prefix (default
#                      https://github.com/baseline-scanner/baseline/releases/download)
#
# Writes path=<binary> to $GITHUB_OUTPUT.
set -euo pipefail

version=${BASELINE_VERSION:-}
bindir=${BASELINE_BIN_DIR:-${RUNNER_TEMP:-/tmp}/baseline-bin}
mkdir -p "$bindir"
bin="$bindir/baseline"

if [ "$version" = source ]; then
  src=${BASELINE_SOURCE_DIR:-${GITHUB_ACTION_PATH:-}}
  if [ -z "$src" ] || [ ! -f "$src/go.mod" ]; then
    echo "::error::version: source needs the action's checkout with go.mod (BASELINE_SOURCE_DIR or GITHUB_ACTION_PATH), got '${src}'" >&2
    exit 1
  fi
  if ! command -v go >/dev/null; then
    echo "::error::version: source builds baseline with Go: add actions/setup-go before this action" >&2
    exit 1
  fi
  # A plain build: it reuses the Go build cache the checkout's tests filled
  # (the release's static, trimmed build is tested in cmd/baseline).
  (cd "$src" && go build -o "$bin" ./cmd/baseline)
else
  # A pinned release only: "latest" or a branch would change under the
  # workflow without review.
  if ! [[ $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
    echo "::error::version: '${version}' is not a release tag like v1.2.3 (or 'source')" >&2
    exit 1
  fi
  case "${RUNNER_OS:-$(uname -s)}" in
    Linux) os=linux ;;
    macOS | Darwin) os=darwin ;;
    *) echo "::error::the baseline action runs on Linux and macOS runners, not ${RUNNER_OS:-$(uname -s)}" >&2; exit 1 ;;
  esac
  case "${RUNNER_ARCH:-$(uname -m)}" in
    X64 | x86_64 | amd64) arch=amd64 ;;
    ARM64 | aarch64 | arm64) arch=arm64 ;;
    *) echo "::error::no baseline release for runner architecture ${RUNNER_ARCH:-$(uname -m)}" >&2; exit 1 ;;
  esac
  base=${BASELINE_DOWNLOAD_BASE:-https://github.com/baseline-scanner/baseline/releases/download}
  archive="baseline_${version#v}_${os}_${arch}.tar.gz"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  for f in "$archive" checksums.txt; do
    if ! curl -fsSL --retry 3 --proto-redir =https -o "$work/$f" "$base/$version/$f"; then
      echo "::error::could not download $f of baseline $version from $base/$version/" >&2
      exit 1
    fi
  done
  want=$(awk -v f="$archive" '$2 == f || $2 == "*"f {print $1}' "$work/checksums.txt")
  if ! [[ $want =~ ^[0-9a-f]{64}$ ]]; then
    echo "::error::checksums.txt of baseline $version has no SHA-256 for $archive" >&2
    exit 1
  fi
  if command -v sha256sum >/dev/null; then
    got=$(sha256sum "$work/$archive" | awk '{print $1}')
  else
    got=$(shasum -a 256 "$work/$archive" | awk '{print $1}')
  fi
  if [ "$got" != "$want" ]; then
    echo "::error::$archive does not match checksums.txt (SHA-256 $got, expected $want): not installed" >&2
    exit 1
  fi
  mkdir "$work/x"
  tar -xzf "$work/$archive" -C "$work/x"
  if [ ! -f "$work/x/baseline" ]; then
    echo "::error::$archive has no baseline binary at its root" >&2
    exit 1
  fi
  install -m 0755 "$work/x/baseline" "$bin"
fi

"$bin" version
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "path=$bin" >>"$GITHUB_OUTPUT"; fi
