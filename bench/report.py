"""Merge raw benchmark results (bench/run.py) into a report.

    python bench/report.py bench/results/raw/*.json --out-dir bench/results

Writes OUT_DIR/report.md (per interpreter, per workload: the values of
zmq_cffi, the pyzmq wheel, pyzmq built from source and C, the ratios of
zmq_cffi to each, and whether the target is met), OUT_DIR/report.json (the same, as data) and OUT_DIR/ratios.png (a
bar chart; skipped with a note when matplotlib is not importable), and prints
the markdown to stdout.

One raw file per interpreter is used.  When full and quick runs are both
given, the full runs win; when one interpreter appears twice, the newest
file wins.  Both cases are noted in the report.
"""
import argparse
import datetime
import json
import os
import sys

# Targets: ratio = zmq_cffi value / peer value, on the workload's own unit.
# "pyzmq" is pyzmq built from source against the same libzmq (the binding
# alone differs); "pyzmq_wheel", what users install, is reported beside it.
# For msgs/s (higher is better) the target is "ratio >= factor"; for
# times (us, ns: lower is better) it is "ratio <= factor".
#
# A workload may have several targets on one interpreter: each is counted.
# Issue 13 set call_overhead, multipart_3x32b and mem_idle_socket.
#
#   workload             PyPy targets                 CPython targets
TARGETS = {
    "thr_32b":         {"PyPy": [("c", ">=", 0.8)],     "CPython": [("pyzmq", ">=", 1.0)]},
    "lat_32b":         {"PyPy": [("c", "<=", 1.1)],     "CPython": [("c", "<=", 1.1)]},
    "call_overhead":   {"PyPy": [("c", "<=", 1.3)],
                        "CPython": [("pyzmq", "<=", 1.0), ("pyzmq_wheel", "<=", 1.0)]},
    "multipart_3x32b": {"PyPy": [("c", ">=", 1.0), ("pyzmq", ">=", 2.0)],
                        "CPython": [("pyzmq", ">=", 2.5)]},
    "big_100k_nocopy": {"PyPy": [("c", ">=", 0.8)],     "CPython": [("pyzmq", ">=", 1.0)]},
    "big_100k_copy":   {"PyPy": [("pyzmq", ">=", 1.0)], "CPython": [("pyzmq", ">=", 1.0)]},
    "poll_idle10":     {"PyPy": [("pyzmq", "<=", 1.0)], "CPython": [("pyzmq", "<=", 1.0)]},
    "mem_idle_socket": {"PyPy": [("pyzmq", "<=", 1.0), ("pyzmq_wheel", "<=", 1.0)],
                        "CPython": [("pyzmq", "<=", 1.0), ("pyzmq_wheel", "<=", 1.0)]},
}
# The other workloads shaped like applications (asyncio_inflight ...
# socket_churn) have no targets: they are reported with their ratios only.

# The order of the rows; workloads only found in the raw files come last.
WORKLOAD_ORDER = ["thr_32b", "lat_32b", "call_overhead", "multipart_3x32b",
                  "big_100k_nocopy", "big_100k_copy", "poll_idle10", "asyncio_rt",
                  "asyncio_inflight", "zmqstream_echo", "jupyter_1mb", "socket_churn",
                  "mem_idle_socket"]
IMPLS = ["zmq_cffi", "pyzmq_wheel", "pyzmq", "c"]
PEERS = ["pyzmq_wheel", "pyzmq", "c"]
PEER_LABEL = {"pyzmq_wheel": "pyzmq wheel", "pyzmq": "pyzmq src", "c": "C"}
# A best-of-N value more than this % better than the median of its runs is
# flagged as noisy (`~`): the best run was not typical.
NOISY_PCT = 15.0


# ------------------------------------------------------------- evaluation

def evaluate(ratio, op, factor):
    """Return (met, miss_pct, margin_pct) of `ratio op factor`.

    miss_pct: how far zmq_cffi's value is from the value the target asks
    for, in % of that value (below it for >=, above it for <=).
    """
    if ratio is None:
        return None, None, None
    if op == ">=":
        met = ratio >= factor
        gap = (1.0 - ratio / factor) * 100.0
    else:
        met = ratio <= factor
        gap = (ratio / factor - 1.0) * 100.0
    return met, (None if met else gap), (-gap if met else None)


def target_text(target):
    peer, op, factor = target
    return "%s %.2gx %s" % (op, factor, PEER_LABEL[peer])


def value_of(entry):
    if entry and entry.get("status") == "ok":
        return entry.get("value")
    return None


def best_vs_median(entry):
    best, median = entry.get("value"), entry.get("median")
    if not best or not median:
        return None
    return abs(best - median) / median * 100.0


def analyse(raw):
    """One raw file -> the rows of its interpreter's table."""
    impl_kind = raw["interpreter"]["implementation"]
    names = [w for w in WORKLOAD_ORDER if w in raw["workloads"]]
    names += [w for w in raw["workloads"] if w not in names]
    rows = []
    for name in names:
        wl = raw["workloads"][name]
        res = wl.get("results", {})
        values = dict((i, value_of(res.get(i))) for i in IMPLS)
        row = {"workload": name, "unit": wl.get("unit"), "better": wl.get("better"),
               "description": wl.get("description"), "count": wl.get("count"),
               "runs": wl.get("runs"), "values": values,
               "status": dict((i, (res.get(i) or {}).get("status", "missing")) for i in IMPLS),
               "reasons": dict((i, res[i]["reason"]) for i in IMPLS
                               if i in res and res[i].get("reason")),
               "spread_pct": dict((i, res[i].get("spread_pct")) for i in IMPLS
                                  if i in res and res[i].get("status") == "ok"),
               "best_vs_median_pct": dict((i, best_vs_median(res[i])) for i in IMPLS
                                          if i in res and res[i].get("status") == "ok"),
               "median": dict((i, res[i].get("median")) for i in IMPLS
                              if i in res and res[i].get("status") == "ok")}
        for peer in PEERS:
            a, b = values["zmq_cffi"], values[peer]
            row["ratio_vs_" + peer] = (a / b) if (a is not None and b) else None
        row["targets"] = []
        for peer, op, factor in TARGETS.get(name, {}).get(impl_kind, []):
            met, miss, margin = evaluate(row["ratio_vs_" + peer], op, factor)
            t = {"peer": peer, "op": op, "factor": factor, "text": target_text((peer, op, factor)),
                 "met": met, "miss_pct": miss, "margin_pct": margin}
            if met is None:
                t["no_data"] = ", ".join("%s %s" % (PEER_LABEL.get(i, i), row["status"][i])
                                         for i in ("zmq_cffi", peer) if values[i] is None)
            row["targets"].append(t)
        # "target"/"met": all of the row's targets together (met only if each is).
        if row["targets"]:
            results = [t["met"] for t in row["targets"]]
            row["target"] = {"text": "; ".join(t["text"] for t in row["targets"])}
            row["met"] = None if None in results else all(results)
        else:
            row.update({"target": None, "met": None})
        rows.append(row)
    return rows


# ------------------------------------------------------------- formatting

def fmt_value(v, unit):
    if v is None:
        return "—"
    if unit and unit.endswith("/s"):  # msgs/s, rt/s, sockets/s
        return "{:,.0f}".format(v)
    if unit == "ns":
        return "%.0f" % v
    return "%.2f" % v


def fmt_ratio(r):
    return "—" if r is None else "%.2fx" % r


def unit_label(unit):
    return {"us": "µs", "rt/s": "round trips/s", "KiB": "KiB/socket"}.get(unit, unit or "")


def one_result_text(t):
    if t["met"] is None:
        return "no data (%s)" % t.get("no_data", "")
    if t["met"]:
        return "met (%+.0f%%)" % t["margin_pct"]
    return "**MISSED by %.0f%%**" % t["miss_pct"]


def result_text(row):
    if not row["targets"]:
        return "no target"
    return "; ".join(one_result_text(t) for t in row["targets"])


def cell(row, impl):
    v = row["values"][impl]
    if v is None:
        st = row["status"][impl]
        return "n/a" if st == "unavailable" else st
    text = fmt_value(v, row["unit"])
    dev = row["best_vs_median_pct"].get(impl)
    if dev is not None and dev > NOISY_PCT:
        text += " ~"
    return text


def section(entry):
    raw, rows = entry["raw"], entry["rows"]
    it, m = raw["interpreter"], raw["machine"]
    impls = raw.get("impls", {})
    out = []
    title = "%s %s" % (it["implementation"], it["version"])
    if it.get("pypy_version"):
        title += " (PyPy %s)" % it["pypy_version"]
    out.append("## %s — %s run" % (title, raw.get("kind", "?")))
    out.append("")
    libz = m.get("libzmq", {})

    def impl_desc(name):
        info = impls.get(name, {})
        if not info.get("available"):
            return "%s: unavailable (%s)" % (PEER_LABEL.get(name, name), info.get("reason", "not run"))
        bits = []
        if info.get("version"):
            bits.append(info["version"])
        if info.get("backend"):
            bits.append("backend " + info["backend"].split(".")[2]
                        if info["backend"].count(".") >= 2 else info["backend"])
        bits.append("libzmq %s" % info.get("libzmq"))
        return "%s %s" % (PEER_LABEL.get(name, name), ", ".join(bits))

    out.append("- machine: %s, %s CPUs, kernel %s; system libzmq %s" % (
        m.get("cpu_model"), m.get("nproc"), m.get("kernel"), libz.get("system_pkg_config")))
    out.append("- bindings: " + "; ".join(impl_desc(i) for i in IMPLS if i in impls))
    load = m.get("loadavg_at_start")
    if load:
        busy = load[0] > 0.5 * (m.get("nproc") or 1)
        out.append("- load average at the start: %s%s" % (
            " / ".join("%.2f" % x for x in load),
            " (**other work was running: the numbers are noisy**)" if busy else ""))
    out.append("- raw file: `%s` (%s, git %s, %ss)" % (
        entry["path"], raw.get("created"), raw.get("git_revision"), raw.get("duration_s")))
    out.append("")
    out.append("| workload | unit | zmq_cffi | pyzmq wheel | pyzmq src | C "
               "| ÷ wheel | ÷ src | ÷ C | target | result |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        out.append("| %s | %s | %s | %s | %s | %s |" % (
            r["workload"], unit_label(r["unit"]),
            " | ".join(cell(r, i) for i in IMPLS),
            " | ".join(fmt_ratio(r.get("ratio_vs_" + p)) for p in PEERS),
            r["target"]["text"] if r["target"] else "—", result_text(r)))
    notes = []
    for r in rows:
        for impl, reason in sorted(r["reasons"].items()):
            if r["status"][impl] == "unavailable" and (
                    (impl == "c" and reason == "no C counterpart")
                    or not impls.get(impl, {}).get("available")):
                continue  # said once in the "bindings" line above
            notes.append("%s / %s: %s — %s" % (r["workload"], PEER_LABEL.get(impl, impl),
                                                r["status"][impl], reason))
    noisy = ["%s/%s %.0f%%" % (r["workload"], PEER_LABEL.get(i, i), d)
             for r in rows for i, d in sorted(r["best_vs_median_pct"].items())
             if d is not None and d > NOISY_PCT]
    if noisy:
        notes.append("`~` noisy: the best run is more than %.0f%% better than the "
                     "median run: %s" % (NOISY_PCT, ", ".join(noisy)))
    if notes:
        out.append("")
        out.extend("- " + n for n in notes)
    met = sum(1 for r in rows for t in r["targets"] if t["met"] is True)
    missed = sum(1 for r in rows for t in r["targets"] if t["met"] is False)
    nodata = sum(1 for r in rows for t in r["targets"] if t["met"] is None)
    out.append("")
    out.append("Targets: **%d met, %d missed**, %d without data." % (met, missed, nodata))
    return "\n".join(out), (met, missed, nodata)


def markdown(entries, notes, kind):
    parts = ["# zmq_cffi benchmark", ""]
    parts.append("Generated %s from the %s run of %d interpreter(s). Each value is "
                 "the best of N measured runs after an uncounted warm-up run "
                 "(N and the message counts are in report.json). Peers: pyzmq's "
                 "binary wheel (what `pip install pyzmq` gives; it bundles its own "
                 "libzmq), pyzmq built from source against the system libzmq that "
                 "zmq_cffi and C use (only the binding differs), and C. Ratios are "
                 "zmq_cffi ÷ peer in the workload's unit: for rates (/s) higher is "
                 "better, for µs, ns and KiB lower is better. `result` compares the "
                 "ratio with the target; the miss is how far zmq_cffi's value is "
                 "from the value the target asks for."
                 % (datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), kind, len(entries)))
    parts.append("")
    sections, summary = [], []
    for e in entries:
        text, (met, missed, nodata) = section(e)
        sections.append(text)
        summary.append("| %s | %d | %d | %d |" % (e["label"], met, missed, nodata))
    parts.append("| interpreter | targets met | missed | no data |")
    parts.append("|---|---:|---:|---:|")
    parts.extend(summary)
    parts.append("")
    for text in sections:
        parts.append(text)
        parts.append("")
    parts.append("## Workloads")
    parts.append("")
    seen = set()
    for e in entries:
        for r in e["rows"]:
            if r["workload"] not in seen:
                seen.add(r["workload"])
                parts.append("- `%s`: %s" % (r["workload"], r["description"]))
    parts.append("")
    parts.append("`ratios.png` plots zmq_cffi against each peer (the ratio of rates, "
                 "or the inverse of the ratio of times or memory), so above 1 always "
                 "means zmq_cffi is better; the black ticks are the targets.")
    if notes:
        parts.append("")
        parts.append("Notes:")
        parts.extend("- " + n for n in notes)
    parts.append("")
    return "\n".join(parts)


# ------------------------------------------------------------------ chart

def speed(ratio, better):
    if ratio is None or ratio <= 0:
        return None
    return ratio if better == "higher" else 1.0 / ratio


def chart(entries, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch
        from matplotlib.ticker import FixedLocator, NullLocator
    except ImportError:
        print("note: matplotlib is not importable; %s not written" % path)
        return False
    n = len(entries)
    fig, axes = plt.subplots(n, 1, figsize=(15, 4.2 * n), squeeze=False)
    colors = {"pyzmq_wheel": "#55A868", "pyzmq": "#4C72B0", "c": "#DD8452"}
    for ax, e in zip(axes[:, 0], entries):
        # Rows with nothing to plot (no ratio, no target) are left out.
        rows = [r for r in e["rows"]
                if r["target"] or any(r.get("ratio_vs_" + p) is not None for p in PEERS)]
        xs = list(range(len(rows)))
        width = 0.27
        top, bottom = 1.0, 1.0
        for k, peer in enumerate(PEERS):
            offs = [x + (k - 1) * width for x in xs]
            vals = [speed(r.get("ratio_vs_" + peer), r["better"]) for r in rows]
            missed = [any(t["peer"] == peer and t["met"] is False for t in r["targets"])
                      for r in rows]
            ax.bar(offs, [v or 0 for v in vals], width, color=colors[peer],
                   edgecolor=["red" if m else "none" for m in missed],
                   linewidth=[2.0 if m else 0 for m in missed])
            for x, v in zip(offs, vals):
                if v is None:
                    ax.text(x, 1.0, "n/a", ha="center", va="bottom", fontsize=6, color="gray")
                    continue
                top, bottom = max(top, v), min(bottom, v)
                ax.text(x, v * 1.03, "%.2f" % v, ha="center", va="bottom", fontsize=6)
            for x, t in ((x, t) for x, r in zip(offs, rows) for t in r["targets"]):
                if t["peer"] == peer:
                    level = t["factor"] if t["op"] == ">=" else 1.0 / t["factor"]
                    top, bottom = max(top, level), min(bottom, level)
                    ax.plot([x - width / 2, x + width / 2], [level, level], color="black",
                            linewidth=2.5, solid_capstyle="butt")
        ax.axhline(1.0, color="gray", linewidth=0.8, linestyle="--")
        ax.set_yscale("log")
        lo, hi = bottom / 1.5, top * 2.5  # headroom for the labels and the legend
        ax.set_ylim(lo, hi)
        ticks = [t for t in (0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3, 5, 7, 10, 20, 50)
                 if lo <= t <= hi]
        ax.yaxis.set_major_locator(FixedLocator(ticks))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_yticklabels(["%g" % t for t in ticks])
        ax.set_xticks(xs)
        ax.set_xticklabels([r["workload"] for r in rows], fontsize=7, rotation=20, ha="right")
        ax.set_ylabel("zmq_cffi vs peer\n(> 1: zmq_cffi faster / smaller)", fontsize=8)
        ax.set_title(e["label"], fontsize=10)
        ax.legend(handles=[Patch(color=colors[p], label="vs " + PEER_LABEL[p]) for p in PEERS] + [
                           Line2D([], [], color="black", linewidth=2.5, label="target"),
                           Patch(facecolor="white", edgecolor="red", linewidth=2.0,
                                 label="target missed")],
                  fontsize=7, loc="upper right", ncol=5)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


# ------------------------------------------------------------------- main

def load(paths):
    notes, raws = [], []
    for p in paths:
        try:
            with open(p) as f:
                raw = json.load(f)
        except (OSError, ValueError) as e:
            notes.append("skipped %s: %s" % (p, e))
            continue
        if not isinstance(raw, dict) or "workloads" not in raw or "interpreter" not in raw:
            notes.append("skipped %s: not a bench/run.py result" % p)
            continue
        raws.append((p, raw))
    kinds = set(r.get("kind") for _, r in raws)
    kind = "full" if "full" in kinds else ("quick" if "quick" in kinds else "?")
    chosen = {}
    for p, raw in raws:
        if raw.get("kind") != kind and kind != "?":
            notes.append("ignored %s: a %s run (the %s runs are reported)"
                         % (p, raw.get("kind"), kind))
            continue
        it = raw["interpreter"]
        key = (it["implementation"], it["version"])
        if key in chosen:
            old_p, old = chosen[key]
            if raw.get("created", "") >= old.get("created", ""):
                notes.append("ignored %s: %s is newer for %s %s" % (old_p, p, *key))
                chosen[key] = (p, raw)
            else:
                notes.append("ignored %s: %s is newer for %s %s" % (p, old_p, *key))
            continue
        chosen[key] = (p, raw)
    # PyPy first (its targets are the headline), then CPython, then others.
    order = {"PyPy": 0, "CPython": 1}
    items = sorted(chosen.values(), key=lambda pr: (
        order.get(pr[1]["interpreter"]["implementation"], 2), pr[1]["interpreter"]["version"]))
    return items, notes, kind


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("raw", nargs="+", help="raw JSON files written by bench/run.py")
    ap.add_argument("--out-dir", required=True, help="where report.md/.json/ratios.png go")
    args = ap.parse_args(argv)

    items, notes, kind = load(args.raw)
    if not items:
        for n in notes:
            print(n, file=sys.stderr)
        print("error: no usable raw result files", file=sys.stderr)
        return 1
    entries = []
    for path, raw in items:
        it = raw["interpreter"]
        label = "%s %s" % (it["implementation"], it["version"])
        rel = os.path.relpath(path)
        entries.append({"path": path if rel.startswith("..") else rel, "raw": raw, "label": label,
                        "rows": analyse(raw)})

    os.makedirs(args.out_dir, exist_ok=True)
    md = markdown(entries, notes, kind)
    with open(os.path.join(args.out_dir, "report.md"), "w") as f:
        f.write(md)
    data = {
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "kind": kind,
        "notes": notes,
        "targets": dict((w, dict((k, [{"peer": t[0], "op": t[1], "factor": t[2],
                                       "text": target_text(t)} for t in ts])
                                 for k, ts in v.items()))
                        for w, v in TARGETS.items()),
        "interpreters": [{"label": e["label"], "file": e["path"],
                          "interpreter": e["raw"]["interpreter"],
                          "machine": e["raw"]["machine"], "impls": e["raw"].get("impls"),
                          "created": e["raw"].get("created"),
                          "git_revision": e["raw"].get("git_revision"),
                          "workloads": e["rows"]} for e in entries],
    }
    with open(os.path.join(args.out_dir, "report.json"), "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    print(md)
    png = os.path.join(args.out_dir, "ratios.png")
    if chart(entries, png):
        print("wrote %s, %s, %s" % (os.path.join(args.out_dir, "report.md"),
                                    os.path.join(args.out_dir, "report.json"), png))
    else:
        print("wrote %s, %s" % (os.path.join(args.out_dir, "report.md"),
                                os.path.join(args.out_dir, "report.json")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
