#!/bin/sh
# The cost of calling into Python from a foreign thread (a pthread that
# Python did not create): a stock build against a PythonPlus build, in one
# run.  Both are installed into private prefixes under their build folders
# (scripts/embed.sh), Tools/plus/embed/embedbench.c is built against each,
# and the two programs alternate ROUNDS times (stock, plus, stock, ...),
# one measurement (embedbench -r 1) of 200000 pairs a run.
#
# usage: Tools/plus/embedbench.sh [STOCK_BUILDDIR [PLUS_BUILDDIR [ROUNDS]]]
#        (default build/none, build/all, 5; both must be built: make and
#        make PLUS=none)
#
# Prints nanoseconds per PyGILState_Ensure/Release pair, per Ensure +
# call of "def f(): pass" + Release and per uncontended drop and retake of
# the GIL (PyEval_SaveThread/RestoreThread), each the median of the ROUNDS runs
# with their spread (min-max), and stock/plus ratios of the medians.  Run
# it on a quiet machine.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
stock=${1:-$top/build/none}
plus=${2:-$top/build/all}
rounds=${3:-5}
embed=$top/scripts/embed.sh

for d in "$stock" "$plus"; do
    echo "embedbench: installing $d into $d/inst"
    "$embed" install "$d" > /dev/null
    "$embed" compile "$d" "$top/Tools/plus/embed/embedbench.c" "$d/embedbench"
done

# "median min max" of the numbers in $1 (space-separated)
stats() {
    echo "$1" | tr ' ' '\n' | grep . | sort -g | awk '
        { v[NR] = $1 }
        END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
              printf "%.1f %.1f %.1f\n", m, v[1], v[NR] }'
}

sp="" sc="" sd="" pp="" pc="" pd=""
i=1
while [ "$i" -le "$rounds" ]; do
    for which in stock plus; do
        if [ $which = stock ]; then d=$stock; else d=$plus; fi
        line=$("$embed" run "$d" "$d/embedbench" -n 200000 -r 1)
        echo "round $i $which: $line"
        pair=$(echo "$line" | sed -n 's/.*pair_ns=\([0-9.]*\).*/\1/p')
        call=$(echo "$line" | sed -n 's/.*call_ns=\([0-9.]*\).*/\1/p')
        drop=$(echo "$line" | sed -n 's/.*drop_ns=\([0-9.]*\).*/\1/p')
        if [ $which = stock ]; then
            sp="$sp $pair"; sc="$sc $call"; sd="$sd $drop"
        else
            pp="$pp $pair"; pc="$pc $call"; pd="$pd $drop"
        fi
    done
    i=$((i + 1))
done
set -- $(stats "$sp") $(stats "$sc") $(stats "$pp") $(stats "$pc")
echo "stock $stock: $1 ($2-$3) ns per Ensure/Release pair, $4 ($5-$6) ns per call"
echo "plus  $plus: $7 ($8-$9) ns per Ensure/Release pair, ${10} (${11}-${12}) ns per call"
awk -v sp="$1" -v sc="$4" -v pp="$7" -v pc="${10}" 'BEGIN {
    printf "stock/plus (medians of %s runs each): %.1fx per pair, %.1fx per call\n", \
        '"$rounds"', sp / pp, sc / pc }'
set -- $(stats "$sd") $(stats "$pd")
echo "uncontended drop + retake: stock $1 ($2-$3) ns, plus $4 ($5-$6) ns"
awk -v sd="$1" -v pd="$4" 'BEGIN {
    printf "plus/stock: %.2fx per drop + retake\n", pd / sd }'
