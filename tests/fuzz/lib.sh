# shellcheck shell=bash
# What test.sh (the `fuzz` test group) and fuzz.sh (`make fuzz`) share: each target's seeds,
# dictionary and options. Sourced with TOP and BUILD set.

FUZZ_OUT=$BUILD/fuzz

# The seed corpora of TARGET (read-only folders), one per line. The dtb seeds are the compiled
# DTSs of every board and test board, made here (dtc -@, as partita compiles them), and the DTB
# fixtures.
fuzz_seeds() {
	case $1 in
	yaml) printf '%s\n' "$TOP/tests/fixtures/good" "$TOP/tests/fixtures/bad" "$TOP/tests/gen/systems" ;;
	image) printf '%s\n' "$TOP/tests/fixtures/images" ;;
	dtb)
		local dir=$FUZZ_OUT/seeds/dtb dts name
		mkdir -p "$dir"
		for dts in "$TOP"/boards/*/*.dts "$TOP"/tests/fixtures/boards/*/*.dts; do
			[ -f "$dts" ] || continue
			name=$(basename "$(dirname "$dts")")
			[ "$dir/$name.dtb" -nt "$dts" ] ||
				dtc -q -@ -I dts -O dtb -o "$dir/$name.dtb" "$dts" 2>/dev/null ||
				rm -f "$dir/$name.dtb"
		done
		cp "$TOP"/tests/fixtures/images/*.fdt "$dir/" 2>/dev/null
		printf '%s\n' "$dir"
		;;
	esac
}

# libFuzzer options for TARGET: its dictionary, input size bound, and limits (an input that
# takes 10 s or 2 GiB is a finding).
fuzz_options() {
	local max_len
	case $1 in
	yaml) max_len=8192 ;;
	image) max_len=65536 ;;
	dtb) max_len=65536 ;;
	esac
	printf '%s\n' "-dict=$TOP/tests/fuzz/$1.dict" "-max_len=$max_len" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1
}

# From a libFuzzer log (plain or -fork mode): executions, average exec/s, and the last cov, ft
# and corpus size.
fuzz_summary() { # LOG
	awk '
		/^#[0-9]+/ && / cov: / {
			n = $1; sub(/^#/, "", n); sub(/:$/, "", n); execs = n
			for (i = 1; i <= NF; i++) {
				if ($i == "cov:") cov = $(i + 1)
				if ($i == "ft:") ft = $(i + 1)
				if ($i == "corp:") { corp = $(i + 1); sub(/\/.*/, "", corp) }
				if ($i == "exec/s:") rate = $(i + 1)
				if ($i == "time:") { t = $(i + 1); sub(/s$/, "", t) }
			}
		}
		/^stat::number_of_executed_units:/ { execs = $2 }
		/^stat::average_exec_per_sec:/ { rate = $2 }
		END {
			if (t > 0) rate = int(execs / t) # -fork: the whole run
			printf "%s execs, %s exec/s, cov %s, ft %s, corpus %s\n", execs, rate, cov, ft, corp
		}
	' "$1"
}
