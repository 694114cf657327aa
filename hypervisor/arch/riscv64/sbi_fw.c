/*
 * The SBI firmware's services the hypervisor uses (OpenSBI in M-mode): starting harts (HSM),
 * kicking them (IPI: SSIP at the target), the timer where the harts lack Sstc, and switching
 * the machine off (SRST, then the legacy call).
 */
#include <arch/cpu.h>
#include <arch/sbi.h>
#include <hyp/arch.h>

void sbi_fw_check(void)
{
	static const uint64_t need[] = { SBI_EXT_HSM, SBI_EXT_IPI, SBI_EXT_TIME };
	static const char *const name[] = { "HSM", "IPI", "TIME" };

	for (unsigned i = 0; i < ARRAY_SIZE(need); i++)
		if (sbi_ecall(SBI_EXT_BASE, 3, need[i], 0, 0).value == 0)
			panic("the SBI firmware has no %s extension (SBI 0.2 or later is needed)",
			      name[i]);
}

int64_t sbi_fw_hart_start(uint64_t hartid, uint64_t entry, uint64_t opaque)
{
	return sbi_ecall(SBI_EXT_HSM, 0, hartid, entry, opaque).error;
}

void sbi_fw_send_ipi(uint64_t hartid)
{
	sbi_ecall(SBI_EXT_IPI, 0, 1, hartid, 0);   /* mask 1 at base hartid */
}

void sbi_fw_set_timer(uint64_t at)
{
	sbi_ecall(SBI_EXT_TIME, 0, at, 0, 0);
}

void sbi_fw_shutdown(void)
{
	sbi_ecall(SBI_EXT_SRST, 0, 0, 0, 0);
	sbi_ecall(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0);
	for (;;)
		wfi();
}
