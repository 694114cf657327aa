/*
 * The virtual interrupt controller each VM sees, as core knows it: a set of interrupts the VM
 * owns (its passed-through devices', its channel doorbells, its vUART's), which core makes
 * pending or raises, and emulated windows the arch decodes. arch/$(ARCH)/ implements it: on
 * AArch64 the vGIC (arch/aarch64/vgic/), on a RISC-V board a virtual PLIC. Its state is the
 * arch's share of struct vm and struct vcpu (hyp/vm.h).
 *
 * Interrupts are named by the number the VM's device tree gives them (pt_config: a doorbell's
 * doorbell_intid, a device's irqs[].intid, the vUART's vuart_intid): the controller maps them
 * to whatever it keeps.
 */
#ifndef HYP_VIRQ_H
#define HYP_VIRQ_H

#include <hyp/types.h>

struct vm;
struct vcpu;

void virq_init(void);                 /* boot, once, after vms_init() built the VMs */
void virq_vm_reset(struct vm *vm);    /* fresh controller state, at each (re)boot of the VM */
void virq_vm_quiesce(struct vm *vm);  /* the VM stopped: its physical interrupts go quiet */
/*
 * An edge on interrupt `irq` of the VM (a doorbell): pending on the vCPU it is routed to, whose
 * pCPU is kicked only if that makes an enabled interrupt newly pending while the vCPU runs. One
 * the VM does not own (virq_init gave it every doorbell of its configuration) is ignored.
 */
void virq_post(struct vm *vm, uint32_t irq);
void virq_vuart_line(struct vm *vm, bool high);   /* the level of the vUART's line, if it has one */
/* An access to one of the controller's windows (pt_emul kinds other than the vUARTs'), already
 * validated (hyp/emul.h); false: no register of that size there. */
bool virq_mmio(struct vcpu *v, uint32_t kind, uint64_t off, bool write, uint64_t *val,
	       unsigned size);
const char *virq_window_name(uint32_t kind);   /* for messages: "GICD" */

#endif
