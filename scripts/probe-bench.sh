#!/usr/bin/env bash
# Wall time of `netkit probe` against `nc -z` (OpenBSD netcat) and `nmap -sT`,
# on the same ports, in interleaved rounds; the table gives medians and how
# many times longer each peer took than netkit.
#
#   (a) 2,000 closed ports on 127.0.0.1 (refused at once)
#   (b) 200 filtered ports with -w 1: SYNs that nothing answers
#
# Everything runs inside a network namespace the script creates and deletes:
# its own loopback, where nothing listens, and a route that sends
# 10.99.0.0/24 into that loopback, where the SYNs are dropped as addressed to
# nobody. (A `blackhole` route would not do: connect fails at once with EINVAL,
# which is "unreachable", not "filtered".) No packet leaves the namespace.
#
# Needs root (ip netns), nc and nmap. Not a test: run it by hand on a quiet
# machine. nc waits out every filtered port in turn, so (b) takes ~200 s a
# round; it gets FILTERED_ROUNDS (1) rounds, (a) ROUNDS (5).
#
# Usage: scripts/probe-bench.sh            (environment: ROUNDS, FILTERED_ROUNDS,
#                                           NETKIT_BIN, BUILD=0 to skip cargo)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NETKIT_BIN=${NETKIT_BIN:-$ROOT/target/release/netkit}
ROUNDS=${ROUNDS:-5}
FILTERED_ROUNDS=${FILTERED_ROUNDS:-1}
BUILD=${BUILD:-1}
RESULTS=${RESULTS:-$ROOT/target/probe-bench.md}
CLOSED_PORTS=20000-21999   # 2,000 ports
FILTERED_HOST=10.99.0.2
FILTERED_PORTS=1-200       # 200 ports
HOLE_NET=10.99.0.0/24
HOLE_SRC=10.99.0.1

# Inside the namespace: run the rounds and print the table.
if [[ ${1:-} == --inside ]]; then
    now() { date +%s%N; }

    # run NAME EXPECTED_CODE COMMAND...: wall seconds on stdout; a wrong exit
    # code (or a wrong count of lines from netkit) stops the benchmark
    run() {
        local name=$1 expected=$2 start end code=0
        shift 2
        start=$(now)
        "$@" >"$TMP/out" 2>"$TMP/err" || code=$?
        end=$(now)
        if [[ $code != "$expected" ]]; then
            echo "$name exited with $code, not $expected: $(head -c 300 "$TMP/err")" >&2
            exit 1
        fi
        awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) / 1e9 }'
    }

    median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

    # scenario LABEL ROUNDS then triples NAME CODE "COMMAND" ...
    scenario() {
        local label=$1 rounds=$2
        shift 2
        local -a names=() codes=() commands=()
        while (($#)); do
            names+=("$1") codes+=("$2") commands+=("$3")
            shift 3
        done
        local i r
        for ((r = 1; r <= rounds; r++)); do
            for i in "${!names[@]}"; do
                # shellcheck disable=SC2086 # each command is words on purpose
                run "${names[$i]}" "${codes[$i]}" ${commands[$i]} >>"$TMP/$label.${names[$i]}"
                sleep 0.2
            done
        done
        local base
        base=$(median <"$TMP/$label.${names[0]}")
        for i in "${!names[@]}"; do
            local m
            m=$(median <"$TMP/$label.${names[$i]}")
            awk -v l="$label" -v n="${names[$i]}" -v c="${commands[$i]/#"$NETKIT_BIN"/netkit}" \
                -v m="$m" -v b="$base" -v r="$rounds" \
                'BEGIN { printf "| %s | %s | `%s` | %d | %.3f | %.1f× |\n", l, n, c, r, m, (b > 0 ? m / b : 0) }'
        done
    }

    TMP=$(mktemp -d)
    trap 'rm -rf "$TMP"' EXIT
    # the ports are really closed here, and really filtered: check once
    count=$("$NETKIT_BIN" probe 127.0.0.1 "$CLOSED_PORTS" | grep -c ' closed$' || true)
    [[ $count == 2000 ]] || { echo "expected 2000 closed ports, saw $count" >&2; exit 1; }
    count=$("$NETKIT_BIN" probe -w 1 "$FILTERED_HOST" "$FILTERED_PORTS" | grep -c ' filtered$' || true)
    [[ $count == 200 ]] || { echo "expected 200 filtered ports, saw $count" >&2; exit 1; }

    echo "| scenario | tool | command | rounds | median wall s | × netkit |"
    echo "| --- | --- | --- | --- | --- | --- |"
    scenario "(a) 2,000 closed" "$ROUNDS" \
        netkit 4 "$NETKIT_BIN probe -q 127.0.0.1 $CLOSED_PORTS" \
        "nc -z" 1 "nc -z 127.0.0.1 $CLOSED_PORTS" \
        "nmap -sT" 0 "nmap -sT -n -Pn -p $CLOSED_PORTS 127.0.0.1"
    scenario "(b) 200 filtered, -w 1" "$FILTERED_ROUNDS" \
        netkit 5 "$NETKIT_BIN probe -q -w 1 $FILTERED_HOST $FILTERED_PORTS" \
        "nc -z" 1 "nc -z -w 1 $FILTERED_HOST $FILTERED_PORTS" \
        "nmap -sT" 0 "nmap -sT -n -Pn -p $FILTERED_PORTS $FILTERED_HOST"
    exit 0
fi

for tool in ip nc nmap; do
    command -v "$tool" >/dev/null || { echo "probe-bench: $tool is not installed" >&2; exit 1; }
done
if [[ $(id -u) != 0 ]]; then
    echo "probe-bench: needs root for ip netns (try sudo)" >&2
    exit 1
fi
if [[ $BUILD == 1 ]]; then
    (cd "$ROOT" && cargo build --release --quiet)
fi

NS=netkit-probe-bench-$$
ip netns add "$NS"
trap 'ip netns del "$NS"' EXIT
ip -n "$NS" link set lo up
ip -n "$NS" addr add "$HOLE_SRC/32" dev lo
ip -n "$NS" route add "$HOLE_NET" dev lo src "$HOLE_SRC"

mkdir -p "$(dirname "$RESULTS")"
{
    echo "probe-bench $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, $(nc -h 2>&1 | head -1), $(nmap --version | head -1)"
    echo
    ip netns exec "$NS" env NETKIT_BIN="$NETKIT_BIN" ROUNDS="$ROUNDS" FILTERED_ROUNDS="$FILTERED_ROUNDS" \
        bash "${BASH_SOURCE[0]}" --inside
} | tee "$RESULTS"
echo "written to $RESULTS" >&2
