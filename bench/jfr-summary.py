#!/usr/bin/env python3
"""Where a JVM spent its CPU, from a JFR recording's execution samples.

usage: jfr-summary.py RECORDING.jfr [--top 30]

Reads jdk.ExecutionSample (threads running Java code) through `jfr print --json` and prints:
  * self samples by package (the top frame's package, first three name parts),
  * inclusive samples by method (share of samples whose stack contains it), Portcullis frames first.
Native (syscall) waits are jdk.NativeMethodSample: counted separately, by top Java frame, because a
thread blocked in a syscall is not using CPU.
"""
import json
import os
import subprocess
import sys
from collections import Counter


def jfr_events(recording, event):
    jfr = os.path.join(os.environ.get('JAVA_HOME', '/usr/lib/jvm/temurin-25-jdk-amd64'), 'bin', 'jfr')
    out = subprocess.run([jfr, 'print', '--json', '--stack-depth', '128', '--events', event, recording],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)['recording']['events']


def frames(event):
    trace = event['values'].get('stackTrace') or {}
    for frame in trace.get('frames') or []:
        method = frame['method']
        # JFR names types in internal form (a/b/C); hidden classes (lambdas) carry a /0x... suffix
        yield method['type']['name'].replace('/', '.').split('.0x')[0] + '.' + method['name']


def package(method):
    return '.'.join(method.split('.')[:3])


def table(title, counter, total, top):
    print(f'\n{title} ({total} samples)\n')
    for name, n in counter.most_common(top):
        print(f'{100 * n / total:6.1f}%  {n:6d}  {name}')


def main(argv):
    args = argv[1:]
    top = 30
    if '--top' in args:
        i = args.index('--top')
        top = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        sys.exit(__doc__)
    samples = [list(frames(e)) for e in jfr_events(args[0], 'jdk.ExecutionSample')]
    samples = [s for s in samples if s]
    if not samples:
        print('no execution samples')
        return
    self_by_package = Counter(package(s[0]) for s in samples)
    inclusive = Counter()
    for stack in samples:
        inclusive.update(set(stack))
    table('CPU self time by package', self_by_package, len(samples), top)
    ours = Counter({m: n for m, n in inclusive.items() if m.startswith('io.portcullis.')})
    table('CPU inclusive time, Portcullis methods', ours, len(samples), top)
    table('CPU inclusive time, all methods', inclusive, len(samples), top)
    native = [list(frames(e)) for e in jfr_events(args[0], 'jdk.NativeMethodSample')]
    native = [s for s in native if s]
    if native:
        first_ours = Counter(next((m for m in s if m.startswith('io.portcullis.')), s[0]) for s in native)
        table('Blocked in native code, by innermost Portcullis frame', first_ours, len(native), top)


if __name__ == '__main__':
    main(sys.argv)
