"""Shared by the bench scripts: each run's figures as JSON (bench/results/<bench>.json), which
bench/chart draws as one SVG for docs/performance.md.

A row is one measurement: cocoon's median and, where the bench measures them in the same run,
runc's and a bare QEMU boot's ("references"). Lower is better unless the row says otherwise
(throughput: "higher": true)."""
import datetime
import json
import os
import platform
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def row(name, unit, cocoon, runc=None, bare=None, higher=False):
    r = {"name": name, "unit": unit, "cocoon": cocoon}
    if runc is not None:
        r["runc"] = runc
    if bare is not None:
        r["bare-qemu"] = bare
    if higher:
        r["higher"] = True
    return r


def save(bench, rows, **extra):
    """Writes bench/results/<bench>.json (or $BENCH_RESULTS/<bench>.json) and says where."""
    out = os.environ.get("BENCH_RESULTS", os.path.join(HERE, "results"))
    os.makedirs(out, exist_ok=True)
    try:
        commit = subprocess.run(["git", "-C", HERE, "rev-parse", "--short=12", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip() or "unknown"
    except Exception:
        commit = "unknown"
    doc = {"bench": bench, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "commit": commit, "host": platform.node(), "cpus": os.cpu_count(), "rows": rows}
    doc.update(extra)
    path = os.path.join(out, bench + ".json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"results: {path}")
