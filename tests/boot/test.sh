#!/usr/bin/env bash
# The boot test group (tests/run-all.sh boot): every script of this folder, in order.
status=0
for t in samples isolation restart lifecycle neighbour console irq channel limits linux schedule boards; do
	t=$(dirname "$0")/$t.sh
	echo "# $(basename "$t")"
	"$t" || status=1
done
exit $status
