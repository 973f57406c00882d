#!/usr/bin/python3
# make bench's report: reads the "# bench" lines a bench boot printed
# (tests/guest/bench.sh) on standard input and writes OUT/results.json,
# OUT/results.md and OUT/plot.png (gnuplot).
#
# usage: report.py RELEASE OUT < TAP
#
# Every figure is the median of the runs, with min and max. A contender
# whose memmap the kernel places (memmap "kernel": the DIMM) is labelled
# on or off by what its add consumed. Ratios:
# "vs module" is the contender's time over hotplug_lab's (module: one write
# to the module's file, with the same memmap placement; above 1:
# hotplug_lab is faster), "x floor" a time over
# the floor (memset of the memmap the size needs), linearity t(32G) over
# 8 t(4G) where both were measured. Exit 1 if there is nothing to report.
import json
import os
import platform
import statistics
import subprocess
import sys
import time

GIB = 1 << 30
MEMMAP_KIB_PER_GIB = 16384  # 64-byte struct pages of 4K pages
PHASES = ("add", "online", "offline", "remove")


def spread(values):
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values), "runs": len(values)}


def read_lines(stream):
    samples, floors, skipped = {}, {}, []
    for line in stream:
        words = line.split()
        if words[:2] == ["#", "bench-skip"] and len(words) > 5:
            skipped.append({"contender": words[2], "memmap": words[3],
                            "bytes": int(words[4]), "why": " ".join(words[5:])})
            continue
        if words[:2] != ["#", "bench"] or len(words) != 13:
            continue
        name, memmap, size, _run = words[2], words[3], int(words[4]), words[5]
        values = words[6:]
        if name == "floor":
            floors.setdefault(size, []).append(int(values[0]))
            continue
        sample = {"up": int(values[0]), "down": int(values[1]),
                  "consumed_kb": int(values[2])}
        for phase, value in zip(PHASES, values[3:]):
            if value != "-":
                sample[phase] = int(value)
        samples.setdefault((name, memmap, size), []).append(sample)
    return samples, floors, skipped


def summarise(samples, floors):
    rows = []
    for (name, memmap, size), runs in sorted(samples.items(),
                                             key=lambda kv: (kv[0][2], kv[0][0], kv[0][1])):
        row = {"contender": name, "memmap": memmap, "bytes": size,
               "up_ns": spread([r["up"] for r in runs]),
               "down_ns": spread([r["down"] for r in runs]),
               "consumed_kb_per_gib": statistics.median(r["consumed_kb"] for r in runs) * GIB / size}
        if memmap == "kernel":
            # where the kernel put the memmap, as what the add consumed says
            row["memmap"] = ("on" if row["consumed_kb_per_gib"] < MEMMAP_KIB_PER_GIB / 2
                             else "off")
        row["up_gib_per_s"] = size / GIB / (row["up_ns"]["median"] / 1e9)
        row["down_gib_per_s"] = size / GIB / (row["down_ns"]["median"] / 1e9)
        phases = {p: spread([r[p] for r in runs]) for p in PHASES if all(p in r for r in runs)}
        if phases:
            row["module_phases_ns"] = phases
        if size in floors:
            floor = statistics.median(floors[size])
            row["up_x_floor"] = row["up_ns"]["median"] / floor
            row["down_x_floor"] = row["down_ns"]["median"] / floor
        rows.append(row)
    by_key = {(r["contender"], r["memmap"], r["bytes"]): r for r in rows}
    for row in rows:
        base = by_key.get(("module", row["memmap"], row["bytes"]))
        if base:
            row["up_vs_module"] = row["up_ns"]["median"] / base["up_ns"]["median"]
            row["down_vs_module"] = row["down_ns"]["median"] / base["down_ns"]["median"]
    linearity = {}
    for (name, memmap, size), row in by_key.items():
        small = by_key.get((name, memmap, size // 8)) if size == 32 * GIB else None
        if small:
            linearity[f"{name} memmap={memmap}"] = {
                "up": row["up_ns"]["median"] / (8 * small["up_ns"]["median"]),
                "down": row["down_ns"]["median"] / (8 * small["down_ns"]["median"])}
    return rows, linearity


def ms(ns):
    return f"{ns / 1e6:.1f}"


def ratio(value):
    return "-" if value is None else f"{value:.2f}"


def markdown(release, report):
    out = [f"# make bench: {release}", "",
           f"{report['date']}, {report['machine']}. TCG (no KVM): times are "
           "only meaningful as ratios between contenders of this one guest.", "",
           f"Median of {report['runs']} runs (min-max). up = add + online to "
           "ZONE_MOVABLE, down = offline + remove. vs module: the contender's "
           "time over hotplug_lab's (one write to the module's file) with the "
           "same memmap placement (above 1: hotplug_lab is faster). x floor: over a memset of the memmap the "
           "size needs. consumed: free memory that was there before the add "
           "and is not after it, per GiB added.", "",
           "| size | contender | memmap | up ms | down ms | up GiB/s | down GiB/s "
           "| up vs module | down vs module | up x floor | down x floor | consumed KiB/GiB |",
           "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in report["results"]:
        up, down = r["up_ns"], r["down_ns"]
        out.append(f"| {r['bytes'] // GIB}G | {r['contender']} | {r['memmap']} "
                   f"| {ms(up['median'])} ({ms(up['min'])}-{ms(up['max'])}) "
                   f"| {ms(down['median'])} ({ms(down['min'])}-{ms(down['max'])}) "
                   f"| {r['up_gib_per_s']:.2f} | {r['down_gib_per_s']:.2f} "
                   f"| {ratio(r.get('up_vs_module'))} | {ratio(r.get('down_vs_module'))} "
                   f"| {ratio(r.get('up_x_floor'))} | {ratio(r.get('down_x_floor'))} "
                   f"| {r['consumed_kb_per_gib']:.0f} |")
    if report["skipped"]:
        out += ["", "Skipped:", ""]
        for sk in report["skipped"]:
            out.append(f"- {sk['bytes'] // GIB}G {sk['contender']} memmap={sk['memmap']}: {sk['why']}")
    out += ["", "Floor (memset of 16M per GiB, one thread):", ""]
    for size, f in sorted(report["floor_ns"].items(), key=lambda kv: int(kv[0])):
        out.append(f"- {int(size) // GIB}G: {ms(f['median'])} ms")
    phased = [r for r in report["results"] if "module_phases_ns" in r]
    if phased:
        out += ["", "Where hotplug_lab's time goes (the module's events, median ms):", "",
                "| size | contender | memmap | add | online | offline | remove |",
                "|---:|---|---|---:|---:|---:|---:|"]
        for r in phased:
            p = r["module_phases_ns"]
            cells = " | ".join(ms(p[x]["median"]) if x in p else "-" for x in PHASES)
            out.append(f"| {r['bytes'] // GIB}G | {r['contender']} | {r['memmap']} | {cells} |")
    if report["linearity"]:
        out += ["", "Linearity, t(32G) / (8 t(4G)):", ""]
        for name, lin in sorted(report["linearity"].items()):
            out.append(f"- {name}: up {lin['up']:.2f}, down {lin['down']:.2f}")
    return "\n".join(out) + "\n"


def plot(release, report, out):
    series = sorted({(r["contender"], r["memmap"]) for r in report["results"]})
    data = os.path.join(out, "plot.dat")
    with open(data, "w") as f:
        for name, memmap in series:
            f.write(f"# {name} memmap={memmap}\n")
            for r in report["results"]:
                if (r["contender"], r["memmap"]) == (name, memmap):
                    f.write(f"{r['bytes'] / GIB} {r['up_ns']['median'] / 1e6} "
                            f"{r['down_ns']['median'] / 1e6}\n")
            f.write("\n\n")
    lines = []
    for column, title in ((2, "add + online"), (3, "offline + remove")):
        curves = ", ".join(f"'{data}' index {i} using 1:{column} with linespoints "
                           f"title '{name} memmap={memmap}'"
                           for i, (name, memmap) in enumerate(series))
        lines.append(f"set title '{title}'; plot {curves}")
    script = "\n".join([
        "set terminal pngcairo size 1400,600" if has_pngcairo() else "set terminal png size 1400,600",
        f"set output '{os.path.join(out, 'plot.png')}'",
        f"set multiplot layout 1,2 title 'make bench, {release} (TCG: compare ratios only)'",
        "set xlabel 'GiB'; set ylabel 'ms (median)'; set key top left; set grid",
        "set logscale xy 2" if len({r['bytes'] for r in report['results']}) > 2 else "",
        *lines, "unset multiplot"])
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def has_pngcairo():
    terms = subprocess.run(["gnuplot", "-e", "set terminal"], capture_output=True, text=True)
    return "pngcairo" in terms.stdout + terms.stderr


def main():
    release, out = sys.argv[1], sys.argv[2]
    samples, floors, skipped = read_lines(sys.stdin)
    if not samples:
        sys.exit("report: no '# bench' lines: the bench boot measured nothing")
    rows, linearity = summarise(samples, floors)
    report = {
        "kernel": release,
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.node()}, {os.cpu_count()} cores, "
                   f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') >> 30}G, QEMU TCG",
        "runs": max(len(v) for v in samples.values()),
        "floor_ns": {str(size): spread(v) for size, v in floors.items()},
        "results": rows,
        "skipped": skipped,
        "linearity": linearity,
    }
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(report, f, indent=1)
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(markdown(release, report))
    plot(release, report, out)


if __name__ == "__main__":
    main()
