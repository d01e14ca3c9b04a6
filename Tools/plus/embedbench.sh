#!/bin/sh
# The cost of calling into Python from a foreign thread (a pthread that
# Python did not create): a stock build against a PythonPlus build, in one
# run.  Both are installed into private prefixes under their build folders
# (scripts/embed.sh), Tools/plus/embed/embedbench.c is built against each,
# and the two programs alternate ROUNDS times; the best of each is kept.
#
# usage: Tools/plus/embedbench.sh [STOCK_BUILDDIR [PLUS_BUILDDIR [ROUNDS]]]
#        (default build/none, build/all, 3; both must be built: make and
#        make PLUS=none)
#
# Prints nanoseconds per PyGILState_Ensure/Release pair and per Ensure +
# call of "def f(): pass" + Release, and stock/plus ratios.  Run it on a
# quiet machine.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
stock=${1:-$top/build/none}
plus=${2:-$top/build/all}
rounds=${3:-3}
embed=$top/scripts/embed.sh

for d in "$stock" "$plus"; do
    echo "embedbench: installing $d into $d/inst"
    "$embed" install "$d" > /dev/null
    "$embed" compile "$d" "$top/Tools/plus/embed/embedbench.c" "$d/embedbench"
done

best() {    # best so far ($1, may be empty) and a new value ($2)
    if [ -z "$1" ]; then echo "$2"; else
        awk -v a="$1" -v b="$2" 'BEGIN { print (b < a) ? b : a }'; fi
}

sp="" sc="" pp="" pc=""
i=1
while [ "$i" -le "$rounds" ]; do
    for which in stock plus; do
        if [ $which = stock ]; then d=$stock; else d=$plus; fi
        line=$("$embed" run "$d" "$d/embedbench" -n 200000 -r 3)
        echo "round $i $which: $line"
        pair=$(echo "$line" | sed -n 's/.*pair_ns=\([0-9.]*\).*/\1/p')
        call=$(echo "$line" | sed -n 's/.*call_ns=\([0-9.]*\).*/\1/p')
        if [ $which = stock ]; then
            sp=$(best "$sp" "$pair"); sc=$(best "$sc" "$call")
        else
            pp=$(best "$pp" "$pair"); pc=$(best "$pc" "$call")
        fi
    done
    i=$((i + 1))
done
echo "stock $stock: ${sp} ns per Ensure/Release pair, ${sc} ns per call"
echo "plus  $plus: ${pp} ns per Ensure/Release pair, ${pc} ns per call"
awk -v sp="$sp" -v sc="$sc" -v pp="$pp" -v pc="$pc" 'BEGIN {
    printf "stock/plus: %.1fx per pair, %.1fx per call\n", sp / pp, sc / pc }'
