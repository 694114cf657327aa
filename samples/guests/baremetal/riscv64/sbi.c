/* The SBI calls of the riscv64 guest (sbi.h). */
#include "sbi.h"

static int has_time = -1;   /* the TIME extension: probed at the first set_timer */

int sbi_probe(uint64_t ext)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE, ext, 0, 0);

	return !r.error && r.value;
}

int64_t sbi_set_timer(uint64_t when)
{
	if (has_time < 0)
		has_time = sbi_probe(SBI_EXT_TIME);
	if (has_time)
		return sbi_call(SBI_EXT_TIME, 0, when, 0, 0).error;
	return sbi_call(0x00, 0, when, 0, 0).error;   /* legacy set_timer */
}

int64_t sbi_send_ipi(uint64_t hart)
{
	/* hart_mask bit 0 with hart_mask_base = the hart: that hart alone */
	return sbi_call(SBI_EXT_IPI, 0, 1, hart, 0).error;
}

int64_t sbi_hart_start(uint64_t hart, uint64_t entry, uint64_t opaque)
{
	return sbi_call(SBI_EXT_HSM, SBI_HSM_START, hart, entry, opaque).error;
}

int64_t sbi_hart_stop(void)
{
	return sbi_call(SBI_EXT_HSM, SBI_HSM_STOP, 0, 0, 0).error;
}

int64_t sbi_hart_status(uint64_t hart)
{
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_HSM_STATUS, hart, 0, 0);

	return r.error ? r.error : r.value;
}

int64_t sbi_system_reset(uint32_t type)
{
	int64_t e = sbi_call(SBI_EXT_SRST, 0, type, 0, 0).error;

	if (type == SBI_SRST_SHUTDOWN)
		sbi_call(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0);   /* SBI before 0.3 */
	return e;
}
