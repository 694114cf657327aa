/*
 * Channel doorbells (docs/channels.md): a guest rings its peer's end of a channel with a Partita
 * call (PT_HVC_CHANNEL_NOTIFY on AArch64, which the arch decodes). Only the one peer the
 * configuration connects it to can be reached, and only through the doorbell interrupt the
 * peer's device tree names; whatever vCPU the peer routed it to takes it.
 */
#include <hyp/virq.h>
#include <hyp/vm.h>

int64_t channel_notify(struct vcpu *v, uint64_t end)
{
	const struct pt_vm *cfg = v->vm->cfg;
	const struct pt_channel_end *me, *peer_end = NULL;
	struct vm *peer;

	if (end >= cfg->nchannels)
		return CALL_INVALID;
	me = &cfg->channels[end];
	peer = &vms[me->peer_vm];
	for (unsigned k = 0; k < peer->cfg->nchannels; k++)
		if (peer->cfg->channels[k].channel == me->channel)
			peer_end = &peer->cfg->channels[k];
	if (!peer_end)
		return CALL_INVALID;
	/* A VM that is down takes nothing: the bell rings into the void. */
	if (READ_ONCE(peer->state) == VM_RUNNING)
		virq_post(peer, peer_end->doorbell_intid);
	return CALL_OK;
}
