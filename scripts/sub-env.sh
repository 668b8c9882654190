#!/usr/bin/env bash
# shellcheck shell=bash
# Points Claude Code in THIS shell at the ccp proxy:   source scripts/sub-env.sh [PORT] [--mitm]
# Sets the same variables as `bin/cc env [--mitm]` (a test holds the two together); pure shell, so it
# is instant (--mitm runs `bin/cc ca` once, when the CA does not exist yet).
# PORT defaults to CCP_PORT, else MITM_PORT, else 8082.
#   base-URL mode (default): ANTHROPIC_BASE_URL=http://127.0.0.1:PORT
#   --mitm (interception):   HTTPS_PROXY=http://127.0.0.1:PORT and NODE_EXTRA_CA_CERTS=<the ccp CA>
if [ -n "${BASH_VERSION:-}" ] && [ "${BASH_SOURCE[0]}" = "$0" ]; then
  echo "sub-env.sh sets variables in your shell, so source it: source ${0} ${1:-8082}" >&2
  exit 2
fi

__ccp_port=""
__ccp_mitm=0
__ccp_bad=0
for __ccp_arg in "$@"; do
  case "$__ccp_arg" in
    --mitm) __ccp_mitm=1 ;;
    -*) echo "sub-env.sh: unknown option '$__ccp_arg' (usage: source scripts/sub-env.sh [PORT] [--mitm])" >&2; __ccp_bad=2 ;;
    *) __ccp_port="$__ccp_arg" ;;
  esac
done
if [ "$__ccp_bad" = 2 ]; then
  unset __ccp_port __ccp_mitm __ccp_bad __ccp_arg
  return 2
fi
__ccp_port="${__ccp_port:-${CCP_PORT:-${MITM_PORT:-8082}}}"
case "$__ccp_port" in
  '' | *[!0-9]*) __ccp_bad=1 ;;
  *) if [ "$__ccp_port" -ge 1 ] 2>/dev/null && [ "$__ccp_port" -le 65535 ]; then __ccp_bad=0; else __ccp_bad=1; fi ;;
esac
if [ "$__ccp_bad" = 1 ]; then
  echo "sub-env.sh: '$__ccp_port' is not a port number (1-65535)" >&2
  unset __ccp_port __ccp_bad __ccp_mitm __ccp_arg
  return 2
fi

# Requests from this shell count under the folder's name as project (cc usage --cost --by project);
# the header line replaces an older x-ccp-project line and keeps the others. Same rule as cc env.
__ccp_project="$(printf '%s' "${PWD##*/}" | LC_ALL=C tr -c 'A-Za-z0-9._-' '-' | cut -c1-64)"
if [ -n "$__ccp_project" ]; then
  __ccp_other="$(printf '%s\n' "${ANTHROPIC_CUSTOM_HEADERS:-}" | grep -iv '^[[:space:]]*x-ccp-project[[:space:]]*:' | grep -v '^[[:space:]]*$')"
  export ANTHROPIC_CUSTOM_HEADERS="${__ccp_other:+$__ccp_other
}x-ccp-project: $__ccp_project"
fi
if [ "$__ccp_mitm" = 1 ]; then
  __ccp_ca="${XDG_CONFIG_HOME:-$HOME/.config}/ccp/ca/ca.pem"
  if [ ! -f "$__ccp_ca" ]; then
    # The CA is made on first use; `cc ca` makes it with the key readable by you only.
    if [ -n "${BASH_VERSION:-}" ]; then __ccp_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; else __ccp_here="$(cd "$(dirname "$0")" && pwd)"; fi
    if ! "$__ccp_here/../bin/cc" ca >/dev/null; then
      unset __ccp_port __ccp_bad __ccp_mitm __ccp_arg __ccp_ca __ccp_here
      return 2
    fi
  fi
  export HTTPS_PROXY="http://127.0.0.1:$__ccp_port"
  export NODE_EXTRA_CA_CERTS="$__ccp_ca"
  export CLAUDE_CODE_SUBAGENT_MODEL=haiku
  # The client must keep https://api.anthropic.com (the CONNECT carries it through ccp); lower-case and
  # plain-HTTP proxy variables would win over HTTPS_PROXY in some clients; ANTHROPIC_AUTH_TOKEN may hold
  # a Z.AI key, which must never reach Anthropic.
  unset ANTHROPIC_BASE_URL https_proxy HTTP_PROXY http_proxy ANTHROPIC_AUTH_TOKEN
  case $- in *i*) echo "[ccp] Claude Code in this shell now goes through ccp as HTTPS proxy http://127.0.0.1:$__ccp_port (CA $__ccp_ca)" >&2 ;; esac
else
  export ANTHROPIC_BASE_URL="http://127.0.0.1:$__ccp_port"
  export CLAUDE_CODE_SUBAGENT_MODEL=haiku
  # An HTTPS proxy and CA would bypass base-URL mode; ANTHROPIC_AUTH_TOKEN may hold a Z.AI key, which must
  # never reach Anthropic. ANTHROPIC_API_KEY stays: it is your own Anthropic credential, passed through.
  unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NODE_EXTRA_CA_CERTS ANTHROPIC_AUTH_TOKEN
  case $- in *i*) echo "[ccp] Claude Code in this shell now goes through http://127.0.0.1:$__ccp_port" >&2 ;; esac
fi
unset __ccp_port __ccp_bad __ccp_mitm __ccp_arg __ccp_ca __ccp_here __ccp_project __ccp_other
