#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs every Debian package that building and testing Ferry needs.
# Run as root on Debian 12; it is what the README's commands call first.
set -e

PKGS="build-essential meson ninja-build pkg-config python3
      libglib2.0-dev libjson-glib-dev zlib1g-dev libzstd-dev libcap-ng-dev
      libpixman-1-dev libfdt-dev"
# Benchmarks compare against Debian's QEMU.
if [ "$1" = "--bench" ]; then
    PKGS="$PKGS qemu-system-x86"
fi

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "install-deps.sh: missing packages:$missing (run as root to install)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends $missing
