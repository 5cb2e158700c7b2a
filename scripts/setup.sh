#!/usr/bin/env bash
# Set up juesuan on Debian 12 (Python 3.11): system packages (fonts, libraries), then a venv in .venv.
# Run as root to install system packages; otherwise it prints exactly what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

# The default fonts (Debian 12's Noto CJK and AR PL UKai, the goldens' reference), WeasyPrint's libraries,
# HarfBuzz's subsetter (without it WeasyPrint subsets with fontTools, seconds per build) and fontconfig's
# fc-match/fc-list, through which generator/fonts finds each role's font (juesuan doctor checks all of it).
SYSTEM_PACKAGES=(python3-venv fonts-noto-cjk fonts-arphic-ukai libpango-1.0-0 libpangoft2-1.0-0
                 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fontconfig)
# --test: what the test suite needs besides: LibreOffice opens our DOCX as a real client would; headless
# Chromium (with its WebDriver) opens juesuan serve's page as a real browser would.
if [ "${1:-}" = "--test" ]; then
  SYSTEM_PACKAGES+=(libreoffice-writer-nogui chromium chromium-driver)
fi

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "安装系统软件包：${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "缺少系统软件包，请以 root 运行：" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# Debian's own python3 (the one python3-venv above belongs to) is built with PGO and LTO; an interpreter
# built from source without --enable-optimizations (pyenv's default) lays the PDF out ~10 % slower.
# PYTHON=/path/to/python3.11 overrides; a .venv made by another interpreter is made again.
if [ -z "${PYTHON:-}" ]; then
  PYTHON=python3
  [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    && PYTHON=/usr/bin/python3
fi
base() { "$1" -c 'import os, sys; print(os.path.realpath(sys._base_executable))'; }
if [ ! -x .venv/bin/python ] || [ "$(base .venv/bin/python)" != "$(base "$PYTHON")" ]; then
  "$PYTHON" -m venv --clear .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
# An editable install leaves our own modules uncompiled (pip compiles a wheel's); where bytecode is not
# written at import (PYTHONDONTWRITEBYTECODE), every build would compile them again (~0.08 s).
.venv/bin/python -m compileall -q generator >/dev/null
echo "环境就绪：.venv/bin/juesuan"
