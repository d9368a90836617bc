#!/usr/bin/env bash
# Runs the fuzz targets in fuzz/ one after another, SECONDS each (default 20), with one job;
# exits non-zero on the first crash, hang (10 s per input) or memory blow-up, whose input
# libFuzzer saves under fuzz/artifacts/TARGET/.
#
# The targets are the ones fuzz/Cargo.toml declares (`cargo fuzz list`); name some to run
# only those. New inputs found go to fuzz/corpus/TARGET (not committed); the committed
# seeds in fuzz/seeds/TARGET are read, never written.
#
# Usage: scripts/fuzz.sh [SECONDS [TARGET...]]
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). Only a stable toolchain is
# assumed: RUSTC_BOOTSTRAP=1 lets it take the nightly flags cargo-fuzz passes.
# FUZZ_SANITIZER=none builds without AddressSanitizer (where its runtime is missing).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../fuzz"

seconds=${1:-20}
shift || true
case $seconds in
  '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS [TARGET...]]" >&2; exit 2 ;;
esac
export RUSTC_BOOTSTRAP=1
sanitizer=${FUZZ_SANITIZER:-address}

# fails here, not halfway, when fuzz/Cargo.lock is out of date
cargo fetch --locked --quiet
if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi
for target in "${targets[@]}"; do
  cargo fuzz build --sanitizer "$sanitizer" "$target"
done

summary=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "seeds/$target"
  echo "fuzz: $target for $seconds s"
  # libFuzzer reports on stderr; keep it on screen and read the totals from the end
  cargo fuzz run --sanitizer "$sanitizer" "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=512 -print_final_stats=1 \
    2>&1 | tee "$log"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  files=$(find "corpus/$target" -type f | wc -l)
  summary+=("$target: ${runs:-?} runs in $seconds s, corpus $files files")
done
echo "fuzz: no crash"
printf '  %s\n' "${summary[@]}"
