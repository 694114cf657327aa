# Time partitioning (schedule:, docs/schema.md): what samples/tvmm.yaml generates beyond its
# goldens. The schedule tables of config.c as the hypervisor reads them (config.c compiled for the
# host with the contract, hypervisor/include/partita/config.h, and walked), memmap.txt's schedule
# section, schedule.svg; a system without a schedule (samples/dual.yaml) gets 0/NULL and no
# schedule.svg; vCPU indices of multi-vCPU VMs (tests/fixtures/good/18-schedule-shared.yaml); a
# stale schedule.svg is removed. Sourced by tests/gen/test.sh (its ok/bad/expect, $WORK).
# shellcheck shell=bash
sexpect() { expect "$1" "schedule: $2"; }
T="$WORK/tvmm"
D="$WORK/dual"

# A host program that walks pt_config's schedules as the hypervisor would and prints them, one
# line per schedule: "cpu C period P counter H: vm/vcpu/length_ns ...", after checking the
# contract's invariants (each window's VM has that vCPU, pinned to the schedule's CPU; the windows
# fit the period; every length a whole number of ticks).
cat >"$WORK/sched-dump.c" <<'C'
#include <stdio.h>
#include <partita/config.h>
int main(void)
{
	const struct pt_config *c = &pt_config;
	int bad = c->version != PT_CONFIG_VERSION || (c->nschedules == 0) != (c->schedules == 0);
	printf("counter %llu schedules %u\n", (unsigned long long)c->counter_hz, c->nschedules);
	for (uint32_t i = 0; i < c->nschedules; i++) {
		const struct pt_schedule *s = &c->schedules[i];
		uint64_t sum = 0;
		printf("cpu %u period %llu:", s->cpu, (unsigned long long)s->period_ns);
		bad |= s->nwindows == 0 || s->cpu >= c->ncpus ||
		       (s->period_ns * c->counter_hz) % 1000000000u != 0;
		for (uint32_t k = 0; k < s->nwindows; k++) {
			const struct pt_window *w = &s->windows[k];
			printf(" %u/%u/%llu", w->vm, w->vcpu, (unsigned long long)w->length_ns);
			bad |= w->vm >= c->nvms || w->vcpu >= c->vms[w->vm].ncpus ||
			       c->vms[w->vm].cpus[w->vcpu] != s->cpu ||
			       (w->length_ns * c->counter_hz) % 1000000000u != 0;
			sum += w->length_ns;
		}
		bad |= sum > s->period_ns;
		printf("\n");
	}
	if (bad)
		printf("contract violated\n");
	return bad;
}
C
dump() { # OUT: compile OUT/config.c for the host with the contract and run it
	gcc -std=c11 -Wall -Wextra -Werror -I"$TOP/hypervisor/include" -o "$WORK/sched-dump" \
		"$WORK/sched-dump.c" "$1/config.c" 2>"$WORK/sched-dump.err" && "$WORK/sched-dump"
}
oneline() { printf '%s' "$1" | tr '\n' '|'; }

if [ ! -f "$T/config.c" ]; then
	bad "schedule: samples/tvmm.yaml was generated"
else
	# config.c: the tables, exactly.
	sexpect 'grep -qx "static const struct pt_window schedule0_windows\[\] = {" "$T/config.c" &&
		grep -qx "	{ \.vm = 0, \.vcpu = 0, \.length_ns = 4000000 }, /\* rtos-a \*/" "$T/config.c" &&
		grep -qx "	{ \.vm = 1, \.vcpu = 0, \.length_ns = 4000000 }, /\* rtos-b \*/" "$T/config.c" &&
		grep -qx "	{ \.vm = 0, \.vcpu = 0, \.length_ns = 2000000 }, /\* rtos-a \*/" "$T/config.c"' \
		"tvmm config.c: CPU 0's windows rtos-a 4ms, rtos-b 4ms, rtos-a 2ms (VMs 0, 1, 0; vCPU 0)"
	sexpect 'grep -qx "	{ \.cpu = 0, \.nwindows = 3, \.period_ns = 10000000, \.windows = schedule0_windows }," "$T/config.c"' \
		"tvmm config.c: one schedule, CPU 0, 3 windows in a 10 ms period"
	sexpect 'grep -qx "	\.counter_hz = 62500000," "$T/config.c" && grep -qx "	\.nschedules = 1," "$T/config.c" &&
		grep -qx "	\.schedules = schedules," "$T/config.c"' \
		"tvmm config.c: pt_config.counter_hz 62500000 (the board's), nschedules 1, schedules"
	sexpect '[ "$(grep -c "^static const struct pt_window" "$T/config.c")" = 1 ]' \
		"tvmm config.c: CPU 1, which VM other has to itself, has no schedule"
	out=$(dump "$T")
	sexpect '[ "$out" = "counter 62500000 schedules 1
cpu 0 period 10000000: 0/0/4000000 1/0/4000000 0/0/2000000" ]' \
		"tvmm config.c, compiled with the contract and walked: the schedule as the hypervisor reads it${out:+ ($(oneline "$out"))}"
	# memmap.txt: the frame, window by window.
	sexpect 'grep -qx "Schedule of cpu 0: a major frame of 10ms, repeated (625000 ticks of the 62500000 Hz counter)" "$T/memmap.txt" &&
		grep -qx "  0ms-4ms  *4ms  vm .rtos-a. (vcpu 0)" "$T/memmap.txt" &&
		grep -qx "  4ms-8ms  *4ms  vm .rtos-b. (vcpu 0)" "$T/memmap.txt" &&
		grep -qx "  8ms-10ms  *2ms  vm .rtos-a. (vcpu 0)" "$T/memmap.txt" &&
		grep -qx "  per frame: vm .rtos-a. 6ms (60.0%), vm .rtos-b. 4ms (40.0%), no idle time" "$T/memmap.txt"' \
		"tvmm memmap.txt: the schedule section (offsets in the frame, lengths, each VM's share)"
	# schedule.svg: well-formed, a bar of three windows in the VMs' memmap.svg colours.
	sexpect '/usr/bin/python3 -c "
import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot()
ns = \"{http://www.w3.org/2000/svg}\"
bars = [x.get(\"fill\") for x in r.iter(ns + \"rect\") if x.get(\"height\") == \"44\"]
texts = \" \".join(t.text or \"\" for t in r.iter(ns + \"text\"))
assert bars == [\"#4e79a7\", \"#f28e2b\", \"#4e79a7\"], bars
assert \"cpu 0: major frame 10ms\" in texts and \"vm rtos-b (vcpu 0)\" in texts, texts
" "$T/schedule.svg"' "tvmm schedule.svg: well-formed, CPU 0's frame as three windows coloured per VM, labelled"
fi

if [ -f "$D/config.c" ]; then
	sexpect 'grep -qx "	\.counter_hz = 62500000," "$D/config.c" && grep -qx "	\.nschedules = 0," "$D/config.c" &&
		grep -qx "	\.schedules = 0," "$D/config.c" && ! grep -q "pt_window\|pt_schedule" "$D/config.c"' \
		"dual config.c: no schedule: nschedules 0, schedules NULL, no tables"
	sexpect '[ ! -e "$D/schedule.svg" ] && ! grep -q "^Schedule" "$D/memmap.txt"' \
		"dual: no schedule.svg, no schedule section in memmap.txt"
	out=$(dump "$D")
	sexpect '[ "$out" = "counter 62500000 schedules 0" ]' "dual config.c, compiled with the contract: no schedule${out:+ ($(oneline "$out"))}"
fi

# vCPU indices: VM b runs vCPU 1 on CPU 1 and vCPU 0 on CPU 2, VM a the other way round.
G="$WORK/sched-shared"
if "$PARTITA" gen "$TOP/tests/fixtures/good/18-schedule-shared.yaml" -o "$G" 2>"$WORK/sched-shared.err"; then
	out=$(dump "$G")
	sexpect '[ "$out" = "counter 62500000 schedules 2
cpu 1 period 20000000: 1/1/5000000 0/0/10000000
cpu 2 period 1000000000: 0/1/250000000 1/0/500000000 0/1/250000000" ]' \
		"two VMs with two vCPUs sharing two CPUs: each window names the vCPU pinned to its CPU${out:+ ($(oneline "$out"))}"
	sexpect 'grep -qx "  15ms-20ms  *5ms  idle" "$G/memmap.txt"' "memmap.txt: the idle time at the end of a frame"
	sexpect 'aarch64-linux-gnu-gcc -ffreestanding -Wall -Wextra -Werror -I"$TOP/hypervisor/include" -c "$G/config.c" -o "$G/config.o"' \
		"its config.c compiles for the hypervisor with -Wall -Wextra -Werror"
	# The same folder, the schedule gone (each VM on CPUs of its own): schedule.svg goes too.
	sed -e '/^schedule:/,$d' -e 's/cpus: \[2, 1\]/cpus: [3]/' -e "s|\.\./images/|$TOP/tests/fixtures/images/|" \
		"$TOP/tests/fixtures/good/18-schedule-shared.yaml" >"$WORK/unshared.yaml"
	"$PARTITA" gen "$WORK/unshared.yaml" -o "$G" 2>"$WORK/sched-unshared.err"
	rc=$?
	sexpect '[ $rc = 0 ] && [ ! -e "$G/schedule.svg" ] && [ -f "$G/memmap.svg" ]' \
		"gen without a schedule into the same folder removes the stale schedule.svg"
else
	bad "schedule: tests/fixtures/good/18-schedule-shared.yaml generates"; sed 's/^/    /' "$WORK/sched-shared.err"
fi
