#!/bin/sh
# pybench (upstream's Tools/pybench): a stock build against a PythonPlus
# build, in one run.
#
# usage: Tools/plus/pybench.sh [STOCK_PYTHON [PLUS_PYTHON [ROUNDS]]]
#        (default build/none/python, build/all/python, 3 rounds of pybench's
#        own 10 each)
#
# The two interpreters alternate, ROUNDS times each, so that a change in the
# machine's load hits both; the best total of each is compared (pybench's
# minimum-time convention), and pybench's per-test comparison of the last
# pair is kept in build/pybench-compare.txt.  Every test's best time over
# all rounds, stock against PythonPlus, goes to build/pybench-rows.txt
# (TESTS=REGEX runs only the matching tests, pybench's -t, e.g.
# TESTS='Dict|Instance').  pybench times with
# time.clock, the process's CPU time, so that other work on the machine
# counts less; a quiet machine still gives the steadiest numbers.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
stock=${1:-$top/build/none/python}
plus=${2:-$top/build/all/python}
rounds=${3:-3}
bench=$top/build/all/Tools/pybench/pybench.py
out=$top/build/pybench
mkdir -p "$out"

# Total of pybench's "Totals" line, in ms (the minimum column).
total() {
    sed -n 's/^Totals:[[:space:]]*\([0-9]*\)ms.*/\1/p' "$1" | tail -n 1
}

best_stock="" best_plus=""
i=1
while [ "$i" -le "$rounds" ]; do
    for which in stock plus; do
        if [ "$which" = stock ]; then py=$stock; else py=$plus; fi
        "$py" -E "$bench" --timer time.clock ${TESTS:+-t "$TESTS"} \
            -f "$out/$which.pybench" > "$out/$which.txt" 2>&1
        cp "$out/$which.txt" "$out/$which.$i.txt"
        t=$(total "$out/$which.txt")
        echo "round $i $which: ${t}ms"
        if [ "$which" = stock ]; then
            [ -z "$best_stock" ] || [ "$t" -lt "$best_stock" ] && best_stock=$t
        else
            [ -z "$best_plus" ] || [ "$t" -lt "$best_plus" ] && best_plus=$t
        fi
    done
    i=$((i + 1))
done
"$plus" -E "$bench" -s "$out/plus.pybench" -c "$out/stock.pybench" \
    > "$top/build/pybench-compare.txt" 2>&1 || true
# The tests' lines: "Name:  <minimum>ms  <average>ms  ..."
rows() {
    cat "$out"/$1.[0-9]*.txt | awk '$1 ~ /:$/ && $2 ~ /ms$/ && $1 != "Totals:" {
        name = substr($1, 1, length($1) - 1); t = $2 + 0
        if (!(name in best) || t < best[name]) best[name] = t
    } END { for (n in best) print n, best[n] }' | sort
}
rows stock > "$out/stock.rows"
rows plus > "$out/plus.rows"
join "$out/stock.rows" "$out/plus.rows" | awk '
    BEGIN { printf "%-32s %8s %8s %8s\n", "test (best of all rounds)", "stock", "plus", "plus/stock" }
    { printf "%-32s %6dms %6dms %8.3f\n", $1, $2, $3, ($2 > 0 ? $3 / $2 : 0) }' \
    > "$top/build/pybench-rows.txt"
echo "stock $stock: best ${best_stock}ms"
echo "plus  $plus: best ${best_plus}ms"
awk -v s="$best_stock" -v p="$best_plus" \
    'BEGIN { printf "plus/stock total time: %.3f\n", p / s }'
