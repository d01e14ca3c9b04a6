"""Summarise a regrtest log: per-test results and one counts line.

usage: test-summary.py LOG EXCLUSIONS [--no-exclusions] [--no-suite]
                       [--result NAME=PASS|FAIL|SKIP ...]

Writes LOG's folder/test-results.txt (one "RESULT test_name" line per
test, sorted, with " -- reason" where the log gives one) and prints, last,
"N passed, N failed, N skipped".  Exits 1 if any test failed or the log
does not show a complete run, 2 on bad arguments.

Every result comes from what regrtest printed, never from its absence:

- a test passes only if its own result line says "passed" (regrtest -j
  prints "[3/40] test_x passed" when a test finishes) or, for a test
  whose line has no result (a sequential run), if the closing report
  counts it among "N tests OK." (the count must match);
- "failed", "crashed" (its process died), "timed out" (TEST_TIMEOUT, see
  Lib/test/regrtest.py) and "run no tests" (run_unittest found no test)
  are failures, so are the closing report's "omitted" tests;
- a module that skipped as a whole (regrtest's "N tests skipped:") counts
  as skipped, with the reason of its "test_x skipped -- reason" line;
- a log without the closing report ("== Tests result: ... ==": the run
  was killed or crashed), an empty log, a test started but never
  finished (hung or killed), and tests that never reported at all
  (fewer results than the "[k/N]" total) fail, under the name "regrtest"
  when no test can be named.

Tests excluded through EXCLUSIONS (known failures of stock 2.7.18, run
with regrtest -x) count as skipped and are listed as EXCLUDED.  --result
adds the result of a test run outside regrtest, e.g. "--result
embed-host=PASS"; --no-suite says that regrtest did not run at all (the
log is then expected to be empty).
"""
from __future__ import print_function

import os
import re
import sys

# regrtest's closing report: a count line, then the names indented below.
SECTIONS = [
    (re.compile(r'^\d+ tests? failed:$'), 'FAIL'),
    (re.compile(r'^\d+ tests? failed again:$'), 'FAIL'),
    (re.compile(r'^\d+ tests? altered the execution environment:$'),
     'PASS-ENV-CHANGED'),
    (re.compile(r'^\d+ tests? skipped:$'), 'SKIP'),
    (re.compile(r'^\d+ tests? omitted:$'), 'FAIL-OMITTED'),
    (re.compile(r'^\d+ tests? run no tests:$'), 'FAIL-NO-TESTS'),
]
# Lines that end a section and list names with another meaning.
OTHER_SECTIONS = re.compile(r'^(\d+ skips? unexpected on .*:|'
                            r'\d+ re-run tests?:|10 slowest tests:)$')
OK_LINE = re.compile(r'^(?:All )?(\d+) tests? OK\.$')
CLOSING = re.compile(r'^== Tests result: (.*) ==$')
# "0:01:05 load avg: 1.80 [ 51/405/1] test_tcl passed": the result (under
# -j only) follows the name; a sequential run adds " -- <previous test's
# result>" instead.
PROGRESS = re.compile(r'\[\s*\d+(?:/(\d+))?(?:/\d+)?\] (test_\w+)(.*)$')
LINE_RESULTS = [
    ('passed', 'PASS'),
    ('failed (env changed)', 'PASS-ENV-CHANGED'),
    ('failed', 'FAIL'),
    ('crashed', 'FAIL-CRASHED'),
    ('timed out', 'FAIL-TIMED-OUT'),
    ('skipped (resource denied)', 'SKIP'),
    ('skipped', 'SKIP'),
    ('run no tests', 'FAIL-NO-TESTS'),
    ('interrupted', 'FAIL-INTERRUPTED'),
]
REASONS = {
    'FAIL-CRASHED': 'crashed (its process died)',
    'FAIL-TIMED-OUT': 'timed out',
    'FAIL-NO-TESTS': 'ran no tests',
    'FAIL-OMITTED': 'omitted (the run was interrupted)',
    'FAIL-INTERRUPTED': 'interrupted',
}
SKIP_REASON = re.compile(r'^(test_\w+) skipped -- (.*)$')
FAIL_REASON = re.compile(r'^test (test_\w+) ((?:failed|crashed|timed out)'
                         r'\b.*)$')
RUNNING = re.compile(r'running: (.*)$')
RUNNING_NAME = re.compile(r'(test_\w+) \(')

SUITE = 'regrtest'


def read_names(path):
    names = []
    with open(path) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                names.append(line)
    return names


def line_result(rest):
    """The result that follows a test's name on a progress line."""
    rest = rest.strip()
    if rest.startswith('--'):           # sequential: the previous test's
        return None
    for words, result in LINE_RESULTS:
        if rest == words or rest.startswith(words + ' ') or \
                rest.startswith(words + ' ('):
            return result
    return None


def parse(log_lines):
    """Return (results, reasons): results maps test names (and SUITE for
    what concerns the run as a whole) to PASS..., FAIL..., SKIP...;
    reasons maps some of them to a short text."""
    order = []          # names in the order of their progress lines
    from_line = {}      # name -> result on its own progress line
    in_section = {}     # name -> result from the closing report
    reasons = {}
    total = None
    ok_count = None
    closing = None
    running = set()
    section = None
    saw_anything = False
    traceback_of = None  # a failure's traceback: its last line is the reason
    for line in log_lines:
        line = line.rstrip('\r\n')
        if line.strip():
            saw_anything = True
        if traceback_of and line.strip() and not line.startswith(' '):
            reasons[traceback_of] = 'failed -- ' + line.strip()[:200]
            traceback_of = None
        m = CLOSING.match(line)
        if m:
            closing = m.group(1)
            section = None
            continue
        m = PROGRESS.search(line)
        if m and closing is None:
            section = None
            if m.group(1):
                total = int(m.group(1))
            name = m.group(2)
            if name not in from_line:
                order.append(name)
                from_line[name] = None
            result = line_result(m.group(3))
            if result is not None:
                from_line[name] = result
                running.discard(name)
            m = RUNNING.search(m.group(3))
            if m:
                running.update(RUNNING_NAME.findall(m.group(1)))
            continue
        if closing is None:
            m = RUNNING.match(line)
            if m:
                running.update(RUNNING_NAME.findall(m.group(1)))
                continue
        m = SKIP_REASON.match(line)
        if m:
            reasons.setdefault(m.group(1), m.group(2))
            continue
        m = FAIL_REASON.match(line)
        if m:
            reasons.setdefault(m.group(1), m.group(2)[:200])
            if m.group(2).endswith('Traceback (most recent call last):'):
                traceback_of = m.group(1)
            if closing is None and m.group(1) in from_line and \
                    from_line[m.group(1)] is None:
                # A sequential run: this line is the test's result.
                from_line[m.group(1)] = 'FAIL'
            continue
        if closing is not None:
            m = OK_LINE.match(line)
            if m:
                ok_count = int(m.group(1))
                section = None
                continue
            for regex, result in SECTIONS:
                if regex.match(line):
                    section = result
                    break
            else:
                if OTHER_SECTIONS.match(line):
                    section = 'other'
                elif section and line.startswith('    '):
                    if section != 'other':
                        for name in line.split():
                            if name.startswith('test_'):
                                in_section[name] = section
                elif line.strip():
                    section = None

    results = {}
    problems = []
    if not saw_anything:
        problems.append('empty log: regrtest printed nothing')
    elif closing is None:
        problems.append('no closing report ("== Tests result: ... =="): '
                        'the run was killed or crashed')
    elif not order and not in_section:
        problems.append('the report names no test (%s)' % closing)

    passed_by_report = 0
    for name in order:
        if name in in_section:
            continue
        result = from_line[name]
        if result is None:
            if closing is not None:
                result = 'PASS'         # counted by "N tests OK.", below
                passed_by_report += 1
            elif name in running:
                result = 'FAIL-HUNG'
                reasons[name] = ('still running when the log ends '
                                 '(hung or killed)')
            else:
                result = 'FAIL-NO-RESULT'
                reasons[name] = 'no result: the log ends first'
        elif result == 'PASS' and closing is not None:
            passed_by_report += 1
        results[name] = result
    if closing is None:
        for name in sorted(running - set(results)):
            results[name] = 'FAIL-HUNG'
            reasons[name] = 'still running when the log ends (hung or killed)'
    for name, result in in_section.items():
        line = from_line.get(name)
        if line is not None and line.split('-')[0] == result.split('-')[0]:
            results[name] = line        # the same, maybe said more exactly
        elif result == 'PASS-ENV-CHANGED' or line is None:
            results[name] = result
        else:
            # The report contradicts the test's own line: believe neither.
            results[name] = 'FAIL-INCONSISTENT'
            reasons[name] = 'its line says %s, the report %s' % (line, result)
    for name, result in results.items():
        if result in REASONS and name not in reasons:
            reasons[name] = REASONS[result]

    if closing is not None:
        if (ok_count or 0) != passed_by_report:
            problems.append('the report counts %d tests OK, the log shows '
                            '%d passed' % (ok_count or 0, passed_by_report))
        if closing.startswith('SUCCESS') and \
                any(r.startswith('FAIL') and r != 'FAIL-NO-TESTS'
                    for r in results.values()):
            problems.append('the report says %s over failures' % closing)
    if total is not None:
        missing = total - len(order)
        if missing > 0:
            problems.append('%d of the %d tests never reported'
                            % (missing, total))
    if problems:
        results[SUITE] = 'FAIL'
        reasons[SUITE] = '; '.join(problems)
    return results, reasons


def main(argv):
    args = argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    log, exclusions = args[0], args[1]
    use_exclusions = True
    suite = True
    extra = []
    i = 2
    while i < len(args):
        option = args[i]
        if option == '--no-exclusions':
            use_exclusions = False
        elif option == '--no-suite':
            suite = False
        elif option == '--result' and i + 1 < len(args):
            i += 1
            name, _, result = args[i].partition('=')
            if not name or result not in ('PASS', 'FAIL', 'SKIP'):
                print('test-summary.py: --result NAME=PASS|FAIL|SKIP, not %r'
                      % args[i], file=sys.stderr)
                return 2
            extra.append((name, result))
        else:
            print('test-summary.py: unknown argument %r' % option,
                  file=sys.stderr)
            return 2
        i += 1
    try:
        with open(log) as f:
            lines = f.readlines()
    except (IOError, OSError) as e:
        lines = None
        results, reasons = {SUITE: 'FAIL'}, {SUITE: 'no log: %s' % e}
    if lines is not None:
        if suite:
            results, reasons = parse(lines)
        else:
            results, reasons = {}, {}
            if any(line.strip() for line in lines):
                results[SUITE] = 'FAIL'
                reasons[SUITE] = '--no-suite, but the log is not empty'
    for name, result in extra:
        results[name] = result
    if use_exclusions:
        for name in read_names(exclusions):
            results[name] = 'EXCLUDED'
            reasons.pop(name, None)
    out = os.path.join(os.path.dirname(os.path.abspath(log)),
                       'test-results.txt')
    with open(out, 'w') as f:
        for name in sorted(results):
            reason = reasons.get(name)
            f.write('%s %s%s\n' % (results[name], name,
                                   ' -- ' + reason if reason else ''))
    count = {}
    for result in results.values():
        kind = result.split('-')[0]
        count[kind] = count.get(kind, 0) + 1
    excluded = count.get('EXCLUDED', 0)
    if excluded:
        print('%d tests excluded as known stock 2.7.18 failures (%s)'
              % (excluded, exclusions))
    for name in sorted(results):
        if results[name].startswith('FAIL'):
            print('FAIL %s%s' % (name, ' -- ' + reasons[name]
                                 if name in reasons else ''))
    print('per-test results: %s' % out)
    print('%d passed, %d failed, %d skipped'
          % (count.get('PASS', 0), count.get('FAIL', 0),
             count.get('SKIP', 0) + excluded))
    return 1 if count.get('FAIL', 0) or not results else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
