"""Summarise a regrtest log: per-test results and one counts line.

usage: test-summary.py LOG EXCLUSIONS [--no-exclusions]
                       [--result NAME=RESULT ...]

Writes LOG's folder/test-results.txt (one "RESULT test_name" line per test,
sorted) and prints, last, "N passed, N failed, N skipped".  Tests excluded
through EXCLUSIONS (known failures of stock 2.7.18) count as skipped and are
listed as EXCLUDED.  --result adds the result (PASS, FAIL or SKIP) of a
test run outside regrtest, e.g. "--result embed-host=PASS".
"""
from __future__ import print_function

import os
import re
import sys

# regrtest's closing report: a count line, then the names indented below it.
SECTIONS = [
    (re.compile(r'^(?:All )?\d+ tests? OK\.$'), 'PASS'),
    (re.compile(r'^\d+ tests? failed:$'), 'FAIL'),
    (re.compile(r'^\d+ tests? altered the execution environment:$'),
     'PASS-ENV-CHANGED'),
    (re.compile(r'^\d+ tests? skipped:$'), 'SKIP'),
    (re.compile(r'^\d+ tests? omitted:$'), 'FAIL-OMITTED'),
]
# Single results are printed on the count line itself in some cases.
ONE_LINE = re.compile(r'^(\d+) tests? OK\.$')
PROGRESS = re.compile(r'\[\s*\d+/\d+(?:/\d+)?\] (test_\w+)')


def read_names(path):
    names = []
    with open(path) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                names.append(line)
    return names


def parse(log_lines):
    results = {}
    ran = []
    section = None
    for line in log_lines:
        line = line.rstrip('\n')
        m = PROGRESS.search(line)
        if m:
            ran.append(m.group(1))
        for regex, result in SECTIONS:
            if regex.match(line):
                section = result
                break
        else:
            if section and line.startswith('    '):
                for name in line.split():
                    if name.startswith('test_'):
                        results[name] = section
            elif line.strip():
                section = None
    # "N tests OK." lists no names: every test that ran without another
    # result passed.
    for name in ran:
        results.setdefault(name, 'PASS')
    return results


def main(argv):
    log, exclusions = argv[1], argv[2]
    use_exclusions = '--no-exclusions' not in argv[3:]
    with open(log) as f:
        results = parse(f)
    options = argv[3:]
    for i, option in enumerate(options):
        if option == '--result':
            name, result = options[i + 1].split('=', 1)
            results[name] = result
    if use_exclusions:
        for name in read_names(exclusions):
            results[name] = 'EXCLUDED'
    out = os.path.join(os.path.dirname(os.path.abspath(log)),
                       'test-results.txt')
    with open(out, 'w') as f:
        for name in sorted(results):
            f.write('%s %s\n' % (results[name], name))
    count = {}
    for result in results.values():
        kind = result.split('-')[0]
        count[kind] = count.get(kind, 0) + 1
    excluded = count.get('EXCLUDED', 0)
    if excluded:
        print('%d tests excluded as known stock 2.7.18 failures (%s)'
              % (excluded, exclusions))
    print('per-test results: %s' % out)
    print('%d passed, %d failed, %d skipped'
          % (count.get('PASS', 0), count.get('FAIL', 0),
             count.get('SKIP', 0) + excluded))
    return 1 if count.get('FAIL', 0) or not results else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
