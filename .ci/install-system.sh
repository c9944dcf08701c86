#!/usr/bin/env bash
# Installs the system packages the test suite needs:
#  - Vulkan loader + Mesa 25 lavapipe (software Vulkan) from bookworm-backports, so the `webgpu`
#    npm package (Dawn) finds a WebGPU adapter on machines without a GPU;
#  - Debian's Chromium for the browser tests (driven by playwright-core).
# Idempotent: skips work that is already done.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

need_backports=1
if grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then need_backports=0; fi
if [ "$need_backports" = 1 ]; then
  cat > /etc/apt/sources.list.d/bookworm-backports.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

lavapipe_ok() {
  local icd
  icd=$(ls /usr/share/vulkan/icd.d/lvp_icd*.json 2>/dev/null | head -1) || return 1
  [ -n "$icd" ] || return 1
  dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -qE '^(2[5-9]|[3-9][0-9])\.'
}

if ! lavapipe_ok || ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
  apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
echo "system: mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers), $(chromium --version 2>/dev/null || echo 'no chromium')"
