#!/usr/bin/env bash
# make bench: how partita check and gen scale, and (when built) the hypervisor's size and boot cost.
# Reports numbers measured in this one run; asserts nothing.
set -uo pipefail
TOP="${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
BUILD="${BUILD:-$TOP/build}"
PARTITA="${PARTITA:-$BUILD/bin/partita}"
WORK="$BUILD/bench"
mkdir -p "$WORK"

# Median wall time in milliseconds of N runs of a command.
median_ms() {
	local n=$1; shift
	local times=()
	for _ in $(seq "$n"); do
		local t0 t1
		t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
		times+=($(( (t1 - t0) / 1000 )))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}

echo "partita check / gen on synthetic systems (median of 5 runs, wall ms)"
printf '%-8s %-9s %-9s %-11s %-10s %-10s %s\n' VMs regions devices exit check-ms gen-ms "check-ms / regions+devices, relative to the first row"
base=""
for spec in "8 10 1" "8 125 12" "8 1250 125" "100 10 1" "1000 10 0" "1000 9 1"; do
	set -- $spec
	dir="$WORK/synth-$1-$2-$3"
	rm -rf "$dir"
	/usr/bin/python3 "$TOP/tests/bench/synth.py" "$dir" "$1" "$2" "$3"
	"$PARTITA" check "$dir/system.yaml" --board-dir "$dir/boards" >/dev/null 2>"$dir/check.err"
	rc=$?
	c=$(median_ms 5 "$PARTITA" check "$dir/system.yaml" --board-dir "$dir/boards")
	if [ $rc -eq 0 ]; then
		g=$(median_ms 3 "$PARTITA" gen "$dir/system.yaml" --board-dir "$dir/boards" -o "$dir/out")
	else
		g="n/a"
	fi
	items=$(( $1 * $2 + $1 * $3 ))
	per=$(awk -v c="$c" -v n="$items" 'BEGIN {printf "%.5f", c / n}')
	[ -n "$base" ] || base=$per
	rel=$(awk -v p="$per" -v b="$base" 'BEGIN {printf "%.2f", p / b}')
	printf '%-8s %-9s %-9s %-11s %-10s %-10s %s\n' "$1" "$(( $1 * $2 ))" "$(( $1 * $3 ))" "$rc" "$c" "$g" "$rel"
	[ $rc -eq 0 ] || sed -n '1p' "$dir/check.err" | sed 's/^/         (exit 1: /; s/$/)/'
done
echo "(exit 1 above 8 VMs: the synthetic board has one CPU per VM, past the hypervisor's 8-CPU and"
echo " 255-VMID limits, which check reports; every check still runs over the whole system, gen does not.)"

if [ -x "$TOP/hypervisor/bench.sh" ]; then
	echo
	"$TOP/hypervisor/bench.sh"
fi
