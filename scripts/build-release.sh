#!/usr/bin/env bash
# Builds the release ktriage (.build/release/ktriage) as one statically linked executable (Swift
# runtime, Foundation, libelf, zlib, liblzo2, snappy, zstd, SQLite and glibc inside), so that
# nothing is loaded, looked up or relocated before main. A shared-library build spends 4-5 ms of
# every run there (600 page faults, 3,400 symbol lookups, 87,000 relocations); this one starts in
# about 1 ms, which lets `ktriage vmcore dmesg` keep up with vmcore-dmesg and makedumpfile
# (Benchmarks/vmcore-vs-peers.sh).
# Costs: a 95 MB file (mostly ICU data, paged in only if used); no ASLR for the program's own
# image (a static executable is not position-independent); glibc's user and group lookups, which
# ktriage never makes, would need the glibc it was linked against.
# Without the static libraries (libelf.a, libz.a, liblzo2.a, libsnappy.a, libzstd.a, libsqlite3.a,
# and libstdc++.a, which snappy, a C++ library, also needs) only the Swift runtime is linked
# statically. Extra arguments go to `swift build`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
have_static() { compgen -G "/usr/lib/*/$1" >/dev/null || compgen -G "/usr/lib/gcc/*/*/$1" >/dev/null; }
# glibc warns at link time about every NSS, dlopen and mktemp call compiled in; none of them runs.
quiet() {
    "$@" 2>&1 | { grep -v -e 'in statically linked applications requires at runtime' -e "use of \`mktemp' is dangerous" || true; } >&2
}
static=yes
for lib in libelf.a libz.a liblzo2.a libsnappy.a libzstd.a libsqlite3.a libstdc++.a; do
    have_static "$lib" || { echo "build-release: $lib not found" >&2; static=no; }
done
if [ $static = yes ] && quiet swift build -c release --product ktriage -Xswiftc -static-executable "$@"; then
    exit 0
fi
echo "build-release: linking only the Swift runtime statically" >&2
quiet swift build -c release --product ktriage --static-swift-stdlib "$@"
