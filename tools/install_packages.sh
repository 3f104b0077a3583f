#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are not installed yet (quiet when none are
# missing); the first argument is the caller's name for the progress line. Used by setup.sh and
# fuzz.sh. APT_OPTS (e.g. --no-install-recommends) is passed to apt-get install.
set -euo pipefail
who=$1
shift
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "$who: installing ${missing[*]}"
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq ${APT_OPTS:-} "${missing[@]}" > /dev/null
