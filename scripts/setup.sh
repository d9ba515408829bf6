#!/usr/bin/env bash
# Installs what ktriage needs to build on Debian/Ubuntu: libelf-dev, and the page decompressors
# of kdump-compressed dumps: liblzo2-dev, libsnappy-dev, libzstd-dev (zlib1g-dev and pkg-config
# are usually present already). Does nothing when everything is there.
set -euo pipefail
need=()
[ -e /usr/include/libelf.h ] || [ -e /usr/include/elfutils/libelf.h ] || need+=(libelf-dev)
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
[ -e /usr/include/lzo/lzo1x.h ] || need+=(liblzo2-dev)
[ -e /usr/include/snappy-c.h ] || need+=(libsnappy-dev)
[ -e /usr/include/zstd.h ] && [ -e /usr/include/zstd_errors.h ] || need+=(libzstd-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
for extra in "$@"; do
    dpkg -s "$extra" >/dev/null 2>&1 || need+=("$extra")
done
if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "ktriage setup: installing ${need[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
