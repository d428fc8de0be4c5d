#!/usr/bin/env bash
# Install the Debian packages hoctap needs, if missing. Usage: scripts/sysdeps.sh build|test
#   build: what creating .venv and compiling PyICU need (venv, a C++ compiler, Python and ICU
#          headers, pkg-config): PyICU has no binary wheel on PyPI; and npm, for JupyterHub's proxy.
#   test:  what the slow tests run for real: PostgreSQL, Chromium, a font with Vietnamese letters,
#          LibreOffice Calc (exports must open in it); nginx and iproute2 for the contest
#          service's failover test (network namespaces; Debian starts nginx's own service on
#          port 80 when it installs it: `systemctl disable --now nginx` if it is not wanted).
set -euo pipefail
case "${1:-build}" in
  build) packages=(python3-venv python3-dev g++ libicu-dev pkg-config) ;;
  test) packages=(python3-venv python3-dev g++ libicu-dev pkg-config postgresql chromium
                  fonts-noto-core libreoffice-calc-nogui nginx iproute2) ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# JupyterHub's proxy comes from npm: Debian's nodejs and npm, unless node and npm are there already.
command -v npm >/dev/null || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo="sudo"
else
  echo "Thiếu gói hệ thống: ${missing[*]}" >&2
  echo "Cài bằng: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Cài gói hệ thống: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
