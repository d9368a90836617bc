#!/usr/bin/env python3
"""Small helpers for scripts/bench.sh (stdlib only).

  benchlib.py port                       print a free 127.0.0.1 TCP port
  benchlib.py snap PID                   JSON: memory/CPU of PID + descendants
  benchlib.py watch PID OUT INTERVAL MAX sample the tree until PID exits, MAX
                                         seconds pass or SIGTERM; keep the
                                         peaks in OUT (rewritten every sample)
  benchlib.py machine                    busy and irq+softirq CPU seconds of the
                                         whole machine since boot
  benchlib.py run TIMEOUT OUT -- CMD...  run CMD with a hard timeout, write its
                                         wall/user/sys seconds as JSON to OUT
  benchlib.py header                     the runs.tsv header line
  benchlib.py record TSV ROUND SCENARIO SERVER DIR PORT BUSY0 BUSY1 NOTE
                                         one run's files in DIR -> a TSV row
  benchlib.py skipped TSV ROUND SCENARIO SERVER REASON
  benchlib.py report TSV MD REFS [NOTE...]
                                         medians/ratios table from the runs, ratios
                                         against the two servers in REFS (a,b)

Bash does the orchestration; this file exists because reading /proc for a
process tree, rusage of a child and medians are painful and slow in bash.
"""

import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time

CLK = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ ports --

def free_port():
    """A port below the ephemeral range, bindable without SO_REUSEADDR.

    Below ip_local_port_range so that neither the load generator's own
    ephemeral ports nor another tool's can already hold it (a port from
    bind(0) is ephemeral and can collide with client sockets); binding without
    SO_REUSEADDR also proves no TIME_WAIT from an earlier run sits on it.
    """
    lo = 32768
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            lo = int(f.read().split()[0])
    except OSError:
        pass
    hi = max(lo - 1, 12000)
    for _ in range(200):
        p = random.randint(10000, hi)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind(("127.0.0.1", p))
            return p
        except OSError:
            continue
        finally:
            s.close()
    # Fall back to whatever the kernel hands out.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


# ------------------------------------------------------------------- proc --

def _children(pid):
    kids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    kids.extend(int(x) for x in f.read().split())
            except OSError:
                pass
    except OSError:
        pass
    return kids


def tree(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(_children(p))
    return out


def _status_kib(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_ticks(pid):
    """utime+stime+cutime+cstime: own CPU plus that of reaped children."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
        # fields after the comm: state=0 ... utime=11 stime=12 cutime=13 cstime=14
        return sum(int(x) for x in rest[11:15]), rest[0]
    except (OSError, IndexError, ValueError):
        return 0, "?"


def _pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def snap(pid, with_pss=True):
    pids = tree(pid)
    hwm = rss = ticks = pss = 0
    live = []
    for p in pids:
        t, state = _cpu_ticks(p)
        if state == "?":
            continue
        live.append(p)
        ticks += t
        # A zombie has no memory left; it still counts for CPU until reaped.
        hwm += _status_kib(p, "VmHWM")
        rss += _status_kib(p, "VmRSS")
        if with_pss:
            pss += _pss_kib(p)
    return {
        "pss_kib": pss,
        "hwm_kib": hwm,
        "rss_kib": rss,
        "cpu_s": round(ticks / CLK, 3),
        "nprocs": len(live),
        "pids": live,
    }


def watch(pid, out, interval, max_secs):
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__("now", True))
    deadline = time.monotonic() + max_secs
    peak = {"hwm_kib": 0, "rss_kib": 0, "pss_kib": 0, "nprocs": 0, "rss_start_kib": None,
            "samples": 0}
    while not stop["now"] and time.monotonic() < deadline and os.path.exists(f"/proc/{pid}"):
        # PSS (shared pages split between the processes sharing them) is the
        # honest total for a forking server, but smaps_rollup is costly with
        # hundreds of children: read it when the tree has grown since the
        # last PSS reading, and otherwise on every 4th sample.
        nprocs = len(tree(pid))
        with_pss = peak["samples"] % 4 == 0 or nprocs > peak.get("pss_nprocs", 0)
        s = snap(pid, with_pss=with_pss)
        if with_pss:
            peak["pss_nprocs"] = max(peak.get("pss_nprocs", 0), s["nprocs"])
        if peak["rss_start_kib"] is None:
            peak["rss_start_kib"] = s["rss_kib"]
        for k in ("hwm_kib", "rss_kib", "pss_kib", "nprocs"):
            peak[k] = max(peak[k], s[k])
        peak["samples"] += 1
        tmp = out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(peak, f)
        os.replace(tmp, out)
        # Sleep in small steps so SIGTERM is honoured quickly.
        end = time.monotonic() + interval
        while not stop["now"] and time.monotonic() < end:
            time.sleep(min(0.05, interval))


def machine_busy():
    """(busy, irq+softirq) CPU seconds of the whole machine since boot.

    Loopback TCP does much of its work in softirq context, which is billed to
    no process, so it is reported apart from "busy"."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal ...
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)
    return busy / CLK, (v[5] + v[6]) / CLK


def run(timeout, out, cmd):
    """Run cmd (stdout passes through), kill it at the deadline, write rusage.

    os.wait4 rather than /usr/bin/time + timeout(1): one process, the exact
    CPU of the load generator, and a hard bound even if it ignores SIGTERM.
    """
    t0 = time.monotonic()
    p = subprocess.Popen(cmd)
    timed_out = False
    kill_at = t0 + timeout
    # bench.sh stopping (Ctrl-C, TERM) must take the load generator along.
    stopped = {"now": False}
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.__setitem__("now", True))
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        now = time.monotonic()
        if stopped["now"] and not timed_out:
            kill_at = now
        if now > kill_at and not timed_out:
            timed_out = True
            p.send_signal(signal.SIGTERM)
            kill_at = now + 3
        elif now > kill_at:
            p.kill()
            pid, status, ru = os.wait4(p.pid, 0)
            break
        time.sleep(0.02)
    p.returncode = 0  # reaped by wait4 above; keep Popen from waiting again
    wall = time.monotonic() - t0
    rc = os.waitstatus_to_exitcode(status)
    with open(out, "w") as f:
        json.dump({"wall_s": round(wall, 3), "user_s": ru.ru_utime, "sys_s": ru.ru_stime,
                   "cpu_s": round(ru.ru_utime + ru.ru_stime, 3), "rc": rc,
                   "timed_out": timed_out}, f)
    return 124 if timed_out else rc


# ----------------------------------------------------------------- record --

TSV_COLUMNS = ["round", "scenario", "server", "status", "metric", "requested", "p99_us",
               "errors", "starved", "hwm_kib", "pss_kib", "nprocs", "rss_start_kib", "cpu_s",
               "client_cpu_s", "ops", "machine_busy_s", "softirq_s", "wall_s", "open_s", "port", "note"]


def _load(path):
    """The last JSON object line of a file (tolerates log lines around it)."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError:
        return {}
    for line in reversed(lines):
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                return json.loads(line)
            except ValueError:
                pass
    return {}


def record(tsv, rnd, scenario, server, d, port, before, after, note):
    """Turn one run's files in directory d into a TSV row and a progress line."""
    cj, sj, wj, rj = (_load(os.path.join(d, n)) for n in
                      ("client.json", "snap.json", "watch.json", "client-rusage.json"))
    n = lambda o, k: int(_f(o.get(k)) or 0)  # noqa: E731
    row = {c: "" for c in TSV_COLUMNS}
    (b0, i0), (b1, i1) = (map(float, x.split()) for x in (before, after))
    row.update(round=rnd, scenario=scenario, server=server, port=port, note=note,
               machine_busy_s=f"{b1 - b0:.2f}", softirq_s=f"{i1 - i0:.2f}")
    if scenario.startswith("echo"):
        row["metric"] = cj.get("messages_per_sec", "")
        row["p99_us"] = cj.get("p99_us", "")
        row["errors"] = n(cj, "errors") + n(cj, "mismatches")
        row["starved"] = n(cj, "starved")
        row["ops"] = cj.get("messages", "")
        unit = "msgs/s"
    elif scenario == "chargen":
        row["metric"] = cj.get("mb_per_sec", "")
        row["errors"] = n(cj, "errors")
        row["ops"] = cj.get("megabytes", "")
        unit = "MB/s"
    elif scenario == "daytime":
        row["metric"] = cj.get("conns_per_sec", "")
        row["errors"] = n(cj, "errors")
        row["ops"] = cj.get("completed", "")
        unit = "conns/s"
    else:
        row["metric"] = cj.get("served", "")
        row["requested"] = cj.get("requested", "")
        row["errors"] = sum(n(cj, k) for k in ("connect_failed", "failed", "mismatches", "timed_out"))
        row["open_s"] = cj.get("open_s", "")
        unit = f"served of {row['requested']}"
    ok = row["metric"] != ""
    row["status"] = "ok" if ok else "failed"
    if not ok:
        err = ""
        try:
            with open(os.path.join(d, "client.err")) as f:
                err = " ".join(f.read().split()[-30:])[:160]
        except OSError:
            pass
        row["note"] = "; ".join(x for x in (note, f"no result from load generator (rc={rj.get('rc')}): {err}") if x)
    row["hwm_kib"] = max(n(sj, "hwm_kib"), n(wj, "hwm_kib"))
    row["pss_kib"] = max(n(sj, "pss_kib"), n(wj, "pss_kib"))
    row["nprocs"] = max(n(sj, "nprocs"), n(wj, "nprocs"))
    row["rss_start_kib"] = wj.get("rss_start_kib", "")
    row["cpu_s"] = sj.get("cpu_s", "")
    row["client_cpu_s"] = rj.get("cpu_s", "")
    row["wall_s"] = rj.get("wall_s", "")
    with open(tsv, "a") as f:
        f.write("\t".join(str(row[c]).replace("\t", " ") for c in TSV_COLUMNS) + "\n")
    m = _f(row["metric"])
    rate = f"{m:,.0f}" if m is not None else "-"
    procs = ""
    if row["nprocs"] > 1:
        procs = f" (PSS {row['pss_kib'] / 1024:.1f} MiB, {row['nprocs']} procs)"
    tail = f"  ({row['note']})" if row["note"] else ""
    sys.stderr.write(
        f"[round {rnd}] {scenario:<14} {server:<8} {rate:>10} {unit:<15} "
        f"p99={_fmt_rate(_f(row['p99_us'])).replace('—', '-')}µs  VmHWM={row['hwm_kib'] / 1024:.1f} MiB{procs}  "
        f"CPU={row['cpu_s'] or '-'}s  load-gen CPU={row['client_cpu_s'] or '-'}s  "
        f"errors={row['errors']}{tail}\n")


def skipped(tsv, rnd, scenario, server, reason):
    row = {c: "" for c in TSV_COLUMNS}
    row.update(round=rnd, scenario=scenario, server=server, status="skipped", note=reason)
    with open(tsv, "a") as f:
        f.write("\t".join(str(row[c]).replace("\t", " ") for c in TSV_COLUMNS) + "\n")


# ----------------------------------------------------------------- report --

SERVER_ORDER = ["netkit", "c-epoll", "tokio", "xinetd", "socat", "ncat",
                "relay-netkit", "relay-haproxy", "relay-socat"]


def _server_key(s):
    """netkit-N (netkit with --threads N) sorts right after netkit."""
    base = "netkit" if s.startswith("netkit-") else s
    return (SERVER_ORDER.index(base) if base in SERVER_ORDER else 99, s)


def _f(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def _fmt_rate(v):
    return f"{v:,.0f}" if v is not None else "—"


REF_NAMES = {"c-epoll": "C epoll", "relay-haproxy": "HAProxy", "relay-socat": "socat"}


def report(tsv, md, refs, notes):
    refs = (refs.split(",") + ["", ""])[:2]
    rows = []
    with open(tsv) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    scen_order, groups = [], {}
    for r in rows:
        if r["scenario"] not in scen_order:
            scen_order.append(r["scenario"])
        groups.setdefault((r["scenario"], r["server"]), []).append(r)

    for r in rows:
        # Server CPU per message (or connection): the figure that survives a
        # load generator that caps the rate, as it does on 2 shared cores.
        c, o = _f(r.get("cpu_s")), _f(r.get("ops"))
        r["us_per_op"] = c * 1e6 / o if c is not None and o else None

    def med(rs, key):
        vals = [v for v in (_f(r.get(key)) for r in rs if r.get("status") == "ok") if v is not None]
        return statistics.median(vals) if vals else None

    out = []
    names = [REF_NAMES.get(r, r) or "—" for r in refs]
    out.append(f"| server | scenario | median msgs/s (conns/s; MB/s) | vs {names[0]} | vs {names[1]} | p99 µs | "
               "VmHWM MiB | server CPU s | server CPU µs/op | load-gen CPU s | rounds | notes |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for sc in scen_order:
        servers = sorted({s for (c, s) in groups if c == sc},
                         key=_server_key)
        ref = [med(groups.get((sc, name), []), "metric") for name in refs]
        for sv in servers:
            rs = groups[(sc, sv)]
            ok = [r for r in rs if r.get("status") == "ok"]
            note = []
            if not ok:
                reasons = sorted({r.get("note", "") for r in rs if r.get("note")})
                out.append(f"| {sv} | {sc} | — | — | — | — | — | — | — | — | 0/{len(rs)} | "
                           f"skipped: {'; '.join(reasons) or 'failed'} |")
                continue
            m = med(rs, "metric")
            hwm = med(rs, "hwm_kib")
            cpu = med(rs, "cpu_s")
            ccpu = med(rs, "client_cpu_s")
            p99 = med(rs, "p99_us")
            upo = med(rs, "us_per_op")
            errs = sum(int(_f(r.get("errors")) or 0) for r in ok)
            starved = sum(int(_f(r.get("starved")) or 0) for r in ok)
            if errs:
                note.append(f"errors={errs}")
            if starved:
                note.append(f"starved={starved}")
            nprocs = med(rs, "nprocs")
            if nprocs and nprocs > 1:
                note.append(f"{nprocs:,.0f} processes at peak, PSS {med(rs, 'pss_kib') / 1024:,.1f} MiB")
            extra = sorted({r.get("note", "") for r in rs if r.get("note")})
            note.extend(x for x in extra if x)
            if sc.startswith("idle"):
                req = med(ok, "requested")
                metric = f"{m:,.0f}/{req:,.0f} served" if m is not None and req else "—"
                rss0 = med(ok, "rss_start_kib")
                if hwm is not None and rss0 is not None and req:
                    note.append(f"≈{(hwm - rss0) / req:.1f} KiB/conn over startup RSS")
                op = med(ok, "open_s")
                if op is not None and op > 2:
                    # Each listen-queue overflow costs a 1 s SYN retransmit.
                    note.append(f"connect phase {op:.1f} s (listen queue overflowed)")
                vc = vt = "—"
                # For the idle test the interesting ratio is memory, not rate.
                if hwm:
                    rh = [med(groups.get((sc, n), []), "hwm_kib") for n in refs]
                    vc = f"{hwm / rh[0]:.2f}× mem" if rh[0] else "—"
                    vt = f"{hwm / rh[1]:.2f}× mem" if rh[1] else "—"
            elif sc == "chargen":
                # no C or tokio chargen: the reference is xinetd's built-in, same run
                metric = f"{m:,.1f}" if m is not None else "—"
                vc = vt = "—"
                rx = med(groups.get((sc, "xinetd"), []), "metric")
                if sv != "xinetd" and m is not None and rx:
                    note.append(f"{m / rx:.2f}× xinetd's built-in chargen")
            else:
                metric = _fmt_rate(m)
                vc = f"{m / ref[0]:.2f}" if m is not None and ref[0] else "—"
                vt = f"{m / ref[1]:.2f}" if m is not None and ref[1] else "—"
            cells = [sv, sc, metric, vc, vt,
                     f"{p99:,.0f}" if p99 is not None else "—",
                     f"{hwm / 1024:.1f}" if hwm is not None else "—",
                     f"{cpu:.2f}" if cpu is not None else "—",
                     f"{upo:.1f}" if upo is not None else "—",
                     f"{ccpu:.2f}" if ccpu is not None else "—",
                     f"{len(ok)}/{len(rs)}", "; ".join(note)]
            out.append("| " + " | ".join(cells) + " |")

    # How much of the 2 cores went to neither server nor load generator
    # (other tenants, compiles, the sampler): a noisy-machine warning.
    other, soft = [], []
    ncpu = os.cpu_count() or 1
    for r in rows:
        b, si, c, cc, w = (_f(r.get(k)) for k in
                           ("machine_busy_s", "softirq_s", "cpu_s", "client_cpu_s", "wall_s"))
        if None not in (b, si, c, cc, w) and w > 0 and r.get("status") == "ok":
            other.append(max(0.0, b - si - c - cc) / (w * ncpu))
            soft.append(si / (w * ncpu))
    text = "\n".join(out) + "\n"
    foot = list(notes)
    if other:
        foot.append(f"During the runs, softirq (loopback TCP work billed to no process) took "
                    f"a mean {statistics.mean(soft) * 100:.0f}% of the machine, and "
                    f"{statistics.mean(other) * 100:.0f}% went to neither softirq, server nor "
                    f"load generator (above ~10%: another workload was competing; the "
                    f"numbers are noisy).")
    if foot:
        text += "\n" + "\n".join(f"- {n}" for n in foot) + "\n"
    with open(md, "w") as f:
        f.write(text)
    sys.stdout.write(text)


def main():
    a = sys.argv[1:]
    if not a:
        print(__doc__)
        sys.exit(2)
    cmd = a[0]
    if cmd == "port":
        print(free_port())
    elif cmd == "snap":
        print(json.dumps(snap(int(a[1]))))
    elif cmd == "watch":
        watch(int(a[1]), a[2], float(a[3]), float(a[4]))
    elif cmd == "machine":
        busy, irq = machine_busy()
        print(f"{busy:.3f} {irq:.3f}")
    elif cmd == "run":
        sep = a.index("--")
        rc = run(float(a[1]), a[2], a[sep + 1:])
        sys.exit(rc if 0 <= rc < 256 else 1)
    elif cmd == "header":
        print("\t".join(TSV_COLUMNS))
    elif cmd == "record":
        record(*a[1:10])
    elif cmd == "skipped":
        skipped(*a[1:6])
    elif cmd == "report":
        report(a[1], a[2], a[3], a[4:])
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
