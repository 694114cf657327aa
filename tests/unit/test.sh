#!/usr/bin/env bash
# C unit tests of the generator's parts, built twice: plain, and with ASan + UBSan; then the
# hypervisor's layering check (layers.py).
# test_ns16550_uart.c #includes hypervisor/drivers/ns16550_uart.c (renamed): only one driver's
# uart_* can be linked in, and that is imx_uart.c's. test_vuart_16550.c #includes
# hypervisor/core/vuart_16550.c, with its own pt_config, for the same reason (imx's test has one).
set -uo pipefail
TOP="${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}"
BUILD="${BUILD:-$TOP/build}"
mkdir -p "$BUILD/unit"
srcs=("$TOP/tests/unit/test_unit.c" "$TOP/tests/unit/test_mux.c" "$TOP/tests/unit/test_ptchan.c"
      "$TOP/tests/unit/test_imx_uart.c" "$TOP/tests/unit/test_ns16550_uart.c"
      "$TOP/tests/unit/test_vuart_16550.c" "$TOP"/gen/{util,diag,overlap,yaml}.c
      "$TOP/hypervisor/lib/mux.c" "$TOP/hypervisor/drivers/imx_uart.c" "$TOP/samples/guests/channel/ptchan.c")
flags=(-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -I"$TOP/hypervisor/include"
       $(pkg-config --cflags yaml-0.1 2>/dev/null))
status=0
if gcc -O1 "${flags[@]}" -o "$BUILD/unit/test_unit" "${srcs[@]}" -lyaml; then
	"$BUILD/unit/test_unit" || status=1
else
	echo "not ok - unit tests compile"; status=1
fi
if gcc -O1 -fsanitize=address,undefined -fno-sanitize-recover=all "${flags[@]}" \
	-o "$BUILD/unit/test_unit_asan" "${srcs[@]}" -lyaml; then
	log="$BUILD/unit/asan.log"
	ASAN_OPTIONS=detect_leaks=1 "$BUILD/unit/test_unit_asan" 2>"$log" | sed 's/^\(not \)\{0,1\}ok - /&[asan] /'
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ] && ! grep -q 'Sanitizer\|runtime error' "$log"; then
		echo "ok - unit tests are clean under AddressSanitizer and UndefinedBehaviorSanitizer"
	else
		echo "not ok - unit tests under sanitizers (exit $rc)"; head -20 "$log"; status=1
	fi
else
	echo "not ok - unit tests compile with sanitizers"; status=1
fi
# The hypervisor's layers: core/ knows no CPU architecture (tests/unit/layers.py).
python3 "$TOP/tests/unit/layers.py" --self-test || status=1
python3 "$TOP/tests/unit/layers.py" "$TOP/hypervisor" || status=1
exit $status
