#!/usr/bin/env bash
# Rebuild counter.wasm from counter/ with Debian's Rust toolchain.
#
# Debian bookworm ships rustc 1.63 with a prebuilt std for wasm32-unknown-unknown
# (libstd-rust-dev-wasm32). Its linker, /usr/bin/rust-lld, is a symlink to lld-14,
# which is only "Recommended", so it is installed explicitly. No rustup target and
# no network beyond apt is needed (the crate has no dependencies).
# rustup's shims come first on PATH, so Debian's binaries are called by full path
# and cargo is told which rustc to use. Idempotent; the output is byte-for-byte
# reproducible with the same toolchain. Build files go to a temp dir, not here.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ ! -x /usr/bin/rustc ] || [ ! -x /usr/bin/cargo ] || [ ! -x /usr/bin/lld-14 ] \
   || [ ! -d /usr/lib/rustlib/wasm32-unknown-unknown ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    rustc cargo libstd-rust-dev-wasm32 lld-14
fi

export RUSTC=/usr/bin/rustc
export RUSTDOC=/usr/bin/rustdoc
export CARGO_HOME="${TMPDIR:-/tmp}/sdk-guest-cargo-home"   # ignore ~/.cargo (rustup's)
export CARGO_TARGET_DIR="${TMPDIR:-/tmp}/sdk-guest-target"
unset RUSTFLAGS CARGO_BUILD_RUSTFLAGS CARGO_BUILD_TARGET  # counter/.cargo/config.toml rules

cd "$HERE/counter"
/usr/bin/rustc --version
/usr/bin/cargo build --offline --release --target wasm32-unknown-unknown

install -m 0644 "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/sd_counter_guest.wasm" "$HERE/counter.wasm"
echo "wrote $HERE/counter.wasm ($(stat -c %s "$HERE/counter.wasm") bytes)"
