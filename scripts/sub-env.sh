#!/usr/bin/env bash
# shellcheck shell=bash
# Points Claude Code in THIS shell at the ccp proxy:   source scripts/sub-env.sh [PORT]
# Sets the same variables as `bin/cc env` (a test holds the two together); pure shell, so it is instant.
# PORT defaults to CCP_PORT, else MITM_PORT, else 8082.
if [ -n "${BASH_VERSION:-}" ] && [ "${BASH_SOURCE[0]}" = "$0" ]; then
  echo "sub-env.sh sets variables in your shell, so source it: source ${0} ${1:-8082}" >&2
  exit 2
fi

__ccp_port="${1:-${CCP_PORT:-${MITM_PORT:-8082}}}"
case "$__ccp_port" in
  '' | *[!0-9]*) __ccp_bad=1 ;;
  *) if [ "$__ccp_port" -ge 1 ] 2>/dev/null && [ "$__ccp_port" -le 65535 ]; then __ccp_bad=0; else __ccp_bad=1; fi ;;
esac
if [ "$__ccp_bad" = 1 ]; then
  echo "sub-env.sh: '$__ccp_port' is not a port number (1-65535)" >&2
  unset __ccp_port __ccp_bad
  return 2
fi

export ANTHROPIC_BASE_URL="http://127.0.0.1:$__ccp_port"
export CLAUDE_CODE_SUBAGENT_MODEL=haiku
# Requests from this shell count under the folder's name as project (cc usage --cost --by project);
# the header line replaces an older x-ccp-project line and keeps the others. Same rule as cc env.
__ccp_project="$(printf '%s' "${PWD##*/}" | LC_ALL=C tr -c 'A-Za-z0-9._-' '-' | cut -c1-64)"
if [ -n "$__ccp_project" ]; then
  __ccp_other="$(printf '%s\n' "${ANTHROPIC_CUSTOM_HEADERS:-}" | grep -iv '^[[:space:]]*x-ccp-project[[:space:]]*:' | grep -v '^[[:space:]]*$')"
  export ANTHROPIC_CUSTOM_HEADERS="${__ccp_other:+$__ccp_other
}x-ccp-project: $__ccp_project"
fi
# The old MITM's proxy and CA would bypass ccp; ANTHROPIC_AUTH_TOKEN may hold a Z.AI key, which must
# never reach Anthropic. ANTHROPIC_API_KEY stays: it is your own Anthropic credential, passed through.
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NODE_EXTRA_CA_CERTS ANTHROPIC_AUTH_TOKEN
case $- in *i*) echo "[ccp] Claude Code in this shell now goes through http://127.0.0.1:$__ccp_port" >&2 ;; esac
unset __ccp_port __ccp_bad __ccp_project __ccp_other
