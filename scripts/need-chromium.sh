#!/usr/bin/env bash
# make test and .ci/run: the dashboard's browser test needs Debian's headless Chromium and its driver
# (never a downloaded browser). Installs them with apt-get when they are missing, as root or through
# sudo without a password prompt; otherwise says in one line what to run, and exits 2.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "[ccp] the tests need chromium and chromium-driver: sudo apt-get install -y chromium chromium-driver" >&2
  exit 2
fi
if ! command -v apt-get >/dev/null; then
  echo "[ccp] the tests need chromium and chromedriver on PATH (Debian: apt-get install -y chromium chromium-driver)" >&2
  exit 2
fi
echo "[ccp] installing chromium and chromium-driver (apt-get) for the dashboard's browser test" >&2
"${sudo[@]}" apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q chromium chromium-driver >&2
