#!/usr/bin/env python3
"""Portcullis / distribution ratios against the performance targets, as a markdown table.

usage: compare.py RESULTS.tsv [--sizes TEXT] [--ref distribution] [--candidate portcullis]

Reads the TSV that ../shared/bench/*.sh append to; every figure is the median over runs (per-GB
CPU is the median of per-run cpu/GB, as summarize.py does). A ratio is candidate / reference.
"""
import csv
import statistics
import sys
from collections import defaultdict

# (title, test, metric, target) ; target = (">=", x) or ("<=", x) on the ratio, or None (reported only)
ROWS = [
    ('blob GET BIG, 1 stream: MB/s', 'get-1stream', 'MBps', ('>=', 1.2)),
    ('  server CPU s/GB', 'get-1stream', 'cpu_per_gb', ('<=', 0.6)),
    ('blob GET BIG, 8 streams: MB/s', 'get-8streams', 'MBps', ('>=', 1.2)),
    ('  server CPU s/GB', 'get-8streams', 'cpu_per_gb', ('<=', 0.6)),
    ('blob PUT BIG: MB/s', 'put', 'MBps', ('>=', 1.3)),
    ('  server user CPU s/GB', 'put', 'user_per_gb', ('<=', 0.4)),
    ('  server CPU s/GB (user+sys)', 'put', 'cpu_per_gb', None),
    ('manifest GET by tag: req/s', 'manifest-get-tag', 'req_s', ('>=', 10)),
    ('  p99 ms', 'manifest-get-tag', 'p99_ms', ('<=', 0.2)),
    ('  server CPU µs/req', 'manifest-get-tag', 'srv_cpu_us_per_req', None),
    ('manifest GET by digest: req/s', 'manifest-get-digest', 'req_s', ('>=', 10)),
    ('  p99 ms', 'manifest-get-digest', 'p99_ms', ('<=', 0.2)),
    ('  server CPU µs/req', 'manifest-get-digest', 'srv_cpu_us_per_req', None),
    ('blob HEAD: req/s', 'blob-head', 'req_s', ('>=', 10)),
    ('  p99 ms', 'blob-head', 'p99_ms', ('<=', 0.2)),
    ('  server CPU µs/req', 'blob-head', 'srv_cpu_us_per_req', None),
    ('skopeo push MULTI: MB/s', 'push-multi', 'MBps', ('>=', 1.5)),
    ('  server CPU s/GB', 'push-multi', 'cpu_per_gb', None),
    ('skopeo push BIG: MB/s', 'push-big', 'MBps', ('>=', 1.0)),
    ('  server CPU s/GB', 'push-big', 'cpu_per_gb', None),
    ('skopeo pull BIG: MB/s', 'pull-big', 'MBps', ('>=', 1.0)),
    ('  server CPU s/GB', 'pull-big', 'cpu_per_gb', None),
    ('skopeo pull MULTI: MB/s', 'pull-multi', 'MBps', None),
    ('  server CPU s/GB', 'pull-multi', 'cpu_per_gb', None),
]
PER_GB = {'cpu_per_gb': 'srv_cpu_s', 'user_per_gb': 'srv_user_s'}


def num(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def metric(rows, name):
    if name in PER_GB:
        def per_gb(row):
            cpu, size = num(row.get(PER_GB[name])), num(row.get('bytes'))
            return cpu / (size / 1e9) if cpu is not None and size else None
        return median(per_gb(r) for r in rows)
    return median(num(r.get(name)) for r in rows)


def fmt(x):
    if x is None:
        return '–'
    if abs(x) >= 1000:
        return f'{x:,.0f}'
    if abs(x) >= 100:
        return f'{x:.0f}'
    return f'{x:.2f}'


def main(argv):
    args = argv[1:]
    opts = {'--sizes': '', '--ref': 'distribution', '--candidate': 'portcullis'}
    for key in opts:
        if key in args:
            i = args.index(key)
            opts[key] = args[i + 1]
            del args[i:i + 2]
    if len(args) != 1:
        sys.exit(__doc__)
    ref, cand = opts['--ref'], opts['--candidate']
    groups = defaultdict(list)
    with open(args[0]) as f:
        for row in csv.DictReader(f, delimiter='\t'):
            groups[(row['label'], row['test'])].append(row)
    print(f'### {cand} / {ref}: targets (median of runs{"; " + opts["--sizes"] if opts["--sizes"] else ""})\n')
    print(f'| metric | {ref} | {cand} | ratio | target | met |')
    print('|---|---|---|---|---|---|')
    met = missed = 0
    for title, test, name, target in ROWS:
        if (ref, test) not in groups and (cand, test) not in groups:
            continue
        r, c = metric(groups.get((ref, test), []), name), metric(groups.get((cand, test), []), name)
        ratio = c / r if r and c is not None else None
        verdict = ''
        if target and ratio is not None:
            op, bound = target
            ok = ratio >= bound if op == '>=' else ratio <= bound
            verdict = 'yes' if ok else '**no**'
            met, missed = met + ok, missed + (not ok)
        goal = f'{target[0]} {target[1]}×' if target else ''
        print(f'| {title} | {fmt(r)} | {fmt(c)} | {fmt(ratio)}{"×" if ratio is not None else ""} | {goal} | {verdict} |')
    print(f'\nTargets met: {met} of {met + missed}.')
    loads = [num(r.get('loadavg1')) for rows in groups.values() for r in rows]
    loads = [x for x in loads if x is not None]
    if loads:
        print(f'Load average (1 min) at the recorded measurements: median {statistics.median(loads):.1f}, '
              f'min {min(loads):.1f}, max {max(loads):.1f} (2 cores).')


if __name__ == '__main__':
    main(sys.argv)
