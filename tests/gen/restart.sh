# The restart policy (on_fault, docs/schema.md "Faults"): what tests/gen/systems/restart.yaml
# generates beyond its goldens. config.c compiled for the host with the contract
# (hypervisor/include/partita/config.h) and walked: every VM, halt or restart, carries a budget
# the hypervisor can use (restart_max >= 1, a window within the limits), the defaults are the
# contract's own; memmap.txt states each VM's policy. Sourced by tests/gen/test.sh (its
# ok/bad/expect, $WORK).
# shellcheck shell=bash
R="$WORK/restart"
cat >"$WORK/restart-dump.c" <<'C'
#include <stdio.h>
#include <partita/config.h>
int main(void)
{
	const struct pt_config *c = &pt_config;
	int bad = c->version != PT_CONFIG_VERSION;
	for (uint32_t v = 0; v < c->nvms; v++) {
		const struct pt_vm *vm = &c->vms[v];
		printf("%s %s %u %llu%s\n", vm->name, vm->on_fault == PT_FAULT_RESTART ? "restart" : "halt",
		       vm->restart_max, (unsigned long long)vm->restart_within_ns,
		       vm->restart_max == PT_RESTART_MAX_DEFAULT &&
		       vm->restart_within_ns == PT_RESTART_WITHIN_DEFAULT ? " (defaults)" : "");
		bad |= vm->restart_max < 1 || vm->restart_max > PT_RESTART_MAX_LIMIT ||
		       vm->restart_within_ns == 0 || vm->restart_within_ns > PT_RESTART_WITHIN_MAX_NS;
	}
	if (bad)
		printf("contract violated\n");
	return bad;
}
C
if [ ! -f "$R/config.c" ]; then
	bad "restart: tests/gen/systems/restart.yaml was generated"
else
	out=$(gcc -std=c11 -Wall -Wextra -Werror -I"$TOP/hypervisor/include" -o "$WORK/restart-dump" \
		"$WORK/restart-dump.c" "$R/config.c" 2>&1 && "$WORK/restart-dump")
	expect '[ "$out" = "halts halt 5 10000000000 (defaults)
default restart 5 10000000000 (defaults)
budget restart 1000 3600000000000
partial restart 1 10000000000" ]' \
		"restart config.c, compiled with the contract and walked: halt and restart VMs all carry a budget, the contract's defaults unless given ($(printf '%s' "$out" | tr '\n' '|'))"
	expect 'grep -qx "vm .halts. guest-physical (cpus 0; on fault: halt)" "$R/memmap.txt" &&
		grep -qx "vm .default. guest-physical (cpus 1; on fault: restart at most 5 times in 10s, then halt)" "$R/memmap.txt" &&
		grep -qx "vm .budget. guest-physical (cpus 2; on fault: restart at most 1000 times in 3600s, then halt)" "$R/memmap.txt" &&
		grep -qx "vm .partial. guest-physical (cpus 3; on fault: restart at most once in 10s, then halt)" "$R/memmap.txt"' \
		"restart memmap.txt: each VM's policy and budget"
fi
