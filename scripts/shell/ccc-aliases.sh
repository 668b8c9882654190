# shellcheck shell=bash
# The operator guide's shell functions, for this checkout wherever it lives. In ~/.bashrc or ~/.zshrc:
#   source /path/to/ccp/scripts/shell/ccc-aliases.sh
# ccmitm [PORT]  start proxy + projector (make mitm)      ccsub [PORT] [--mitm]  point this shell at the proxy
# cclogs         follow logs/usage.jsonl                   ccverify      make summarize && make verify-routing
# ccbundle       make bundle                               ccstop        stop what `cc on` started (cc off)
# ccstock        claude straight to Anthropic (no proxy)   cczai         claude straight to Z.AI (ZAI_API_KEY)
# ccc-on [PORT]  cc on + ccsub in one shot                 ccc-off       cc off and un-point this shell

if [ -n "${ZSH_VERSION:-}" ]; then
  eval '__ccp_src=${(%):-%x}'
else
  __ccp_src=${BASH_SOURCE[0]}
fi
# Follow a symlink (dotfiles often link this file) to the real checkout.
if __ccp_real=$(readlink -f "$__ccp_src" 2>/dev/null) && [ -n "$__ccp_real" ]; then __ccp_src=$__ccp_real; fi
CCP_CHECKOUT=$(cd "$(dirname "$__ccp_src")/../.." && pwd)
unset __ccp_src __ccp_real

ccmitm()   { MITM_PORT="${1:-8082}" FORCE_HAIKU_TO_ZAI=1 make -C "$CCP_CHECKOUT" mitm; }
ccsub()    { source "$CCP_CHECKOUT/scripts/sub-env.sh" "${1:-8082}" "${@:2}"; }
cclogs()   {
  local dir="${CCP_LOG_DIR:-logs}"
  case "$dir" in /*) ;; *) dir="$CCP_CHECKOUT/$dir" ;; esac
  tail -f "$dir/usage.jsonl"
}
ccverify() { (cd "$CCP_CHECKOUT" && make summarize && make verify-routing); }
ccbundle() { make -C "$CCP_CHECKOUT" bundle; }
ccstop()   { "$CCP_CHECKOUT/bin/cc" off; }
# Both run claude in a subshell, so this terminal keeps its own setting (proxied or not).
ccstock()  {
  (unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NODE_EXTRA_CA_CERTS ANTHROPIC_BASE_URL ANTHROPIC_AUTH_TOKEN \
     CLAUDE_CODE_SUBAGENT_MODEL; command claude "$@")
}
cczai()    {
  if [ -z "${ZAI_API_KEY:-}" ]; then echo "cczai: ZAI_API_KEY is not set" >&2; return 2; fi
  (unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy NODE_EXTRA_CA_CERTS
   export ANTHROPIC_BASE_URL="https://api.z.ai/api/anthropic" ANTHROPIC_AUTH_TOKEN="$ZAI_API_KEY"
   command claude "$@")
}
ccc-on()   { "$CCP_CHECKOUT/bin/cc" on "${1:-8082}" && ccsub "${1:-8082}"; }
ccc-off()  {
  "$CCP_CHECKOUT/bin/cc" off || return
  case "${ANTHROPIC_BASE_URL:-}" in http://127.0.0.1:*) unset ANTHROPIC_BASE_URL CLAUDE_CODE_SUBAGENT_MODEL ;; esac
}
