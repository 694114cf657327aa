// SPDX-License-Identifier: GPL-2.0
/*
 * partita-channel: a Partita channel (docs/channels.md) as a character device.
 *
 * One device per `partita,channel` node of the guest's device tree, /dev/partita/<label>:
 *   read()    the next message (blocks until one comes, woken by the doorbell; O_NONBLOCK:
 *             -EAGAIN); a buffer shorter than the message: -EMSGSIZE, the message stays;
 *             -ECONNRESET once when the peer (re)opened the channel since the last call (its
 *             VM restarted: what it had not read yet is gone; resend what needs an answer)
 *   write()   one message of 1..4096 bytes, then rings the peer (blocks while the ring is full)
 *   poll()    POLLIN when a message waits, POLLOUT when a 4 KiB message fits
 *   mmap()    the whole window, normal cacheable memory (the protocol is then the user's)
 *   ioctl(PARTITA_CHANNEL_NOTIFY)  ring the peer's doorbell
 *
 * The message format is the one ptchan library (samples/guests/channel/ptchan.c), compiled into
 * this module with the kernel's acquire/release primitives.
 */
#include <linux/arm-smccc.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#define PTCHAN_LOAD_ACQUIRE(p)     smp_load_acquire(p)
#define PTCHAN_STORE_RELEASE(p, v) smp_store_release(p, v)
#include "ptchan.h"

#define PT_HVC_CHANNEL_NOTIFY      0xc6000001
#define PARTITA_CHANNEL_NOTIFY     _IO('P', 1)

struct pchan {
	struct miscdevice misc;
	struct ptchan pc;
	void *window;
	phys_addr_t phys;
	size_t size;
	u32 index;
	wait_queue_head_t wq;
	struct mutex rlock, wlock;
	u8 rbuf[PTCHAN_MAX_MSG], wbuf[PTCHAN_MAX_MSG];
	char name[64], nodename[64];
	unsigned long doorbells;
};

static void ring_peer(struct pchan *c)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(PT_HVC_CHANNEL_NOTIFY, c->index, &res);
}

static irqreturn_t doorbell(int irq, void *data)
{
	struct pchan *c = data;

	c->doorbells++;
	wake_up_interruptible(&c->wq);
	return IRQ_HANDLED;
}

/*
 * The peer's generation (docs/channels.md, Reopening): it opened once when we probed; a change
 * after that means its VM restarted.
 */
static bool peer_moved(struct pchan *c)
{
	return READ_ONCE(c->pc.hdr->generation[1 - c->pc.end]) != c->pc.peer_generation;
}

static bool peer_reset(struct pchan *c)
{
	return ptchan_peer_reset(&c->pc) != 0;
}

static struct pchan *of_file(struct file *f)
{
	return container_of(f->private_data, struct pchan, misc);
}

static ssize_t pchan_read(struct file *f, char __user *buf, size_t len, loff_t *off)
{
	struct pchan *c = of_file(f);
	int n;

	if (mutex_lock_interruptible(&c->rlock))
		return -ERESTARTSYS;
	for (;;) {
		u32 next = ptchan_next_len(&c->pc);
		if (!next && peer_reset(c)) {
			n = -ECONNRESET;
			break;
		}
		if (next) {
			if (next > len) {
				n = -EMSGSIZE;
				break;
			}
			n = ptchan_recv(&c->pc, c->rbuf, sizeof(c->rbuf));
			if (n > 0) {
				ring_peer(c);   /* room again on the peer's side */
				if (copy_to_user(buf, c->rbuf, n))
					n = -EFAULT;
			} else {
				n = -EIO;       /* garbage from the peer: dropped */
			}
			break;
		}
		if (f->f_flags & O_NONBLOCK) {
			n = -EAGAIN;
			break;
		}
		n = wait_event_interruptible(c->wq, ptchan_next_len(&c->pc) != 0 || peer_moved(c));
		if (n)
			break;
	}
	mutex_unlock(&c->rlock);
	return n;
}

static bool room(struct pchan *c, size_t len)
{
	return ptchan_tx_space(&c->pc) >= PTCHAN_LEN_SIZE + ALIGN(len, 4);
}

static ssize_t pchan_write(struct file *f, const char __user *buf, size_t len, loff_t *off)
{
	struct pchan *c = of_file(f);
	int err = 0;

	if (!len || len > PTCHAN_MAX_MSG || PTCHAN_LEN_SIZE + ALIGN(len, 4) > c->pc.ring_size)
		return -EMSGSIZE;
	if (mutex_lock_interruptible(&c->wlock))
		return -ERESTARTSYS;
	if (copy_from_user(c->wbuf, buf, len)) {
		err = -EFAULT;
		goto out;
	}
	while (!room(c, len)) {
		if (f->f_flags & O_NONBLOCK) {
			err = -EAGAIN;
			goto out;
		}
		err = wait_event_interruptible(c->wq, room(c, len));
		if (err)
			goto out;
	}
	if (ptchan_send(&c->pc, c->wbuf, len))
		err = -EIO;
	else
		ring_peer(c);
out:
	mutex_unlock(&c->wlock);
	return err ? err : (ssize_t)len;
}

static __poll_t pchan_poll(struct file *f, poll_table *wait)
{
	struct pchan *c = of_file(f);
	__poll_t mask = 0;

	poll_wait(f, &c->wq, wait);
	if (ptchan_next_len(&c->pc))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (room(c, PTCHAN_MAX_MSG < c->pc.ring_size / 2 ? PTCHAN_MAX_MSG : c->pc.ring_size / 2))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static int pchan_mmap(struct file *f, struct vm_area_struct *vma)
{
	struct pchan *c = of_file(f);
	unsigned long len = vma->vm_end - vma->vm_start;

	if (vma->vm_pgoff || len > PAGE_ALIGN(c->size))
		return -EINVAL;
	/* Normal, cacheable: vm_page_prot as for any shared mapping, not pgprot_noncached. */
	return remap_pfn_range(vma, vma->vm_start, PHYS_PFN(c->phys), len, vma->vm_page_prot);
}

static long pchan_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	if (cmd != PARTITA_CHANNEL_NOTIFY)
		return -ENOTTY;
	ring_peer(of_file(f));
	return 0;
}

static const struct file_operations pchan_fops = {
	.owner = THIS_MODULE,
	.read = pchan_read,
	.write = pchan_write,
	.poll = pchan_poll,
	.mmap = pchan_mmap,
	.unlocked_ioctl = pchan_ioctl,
	.llseek = noop_llseek,
};

static int pchan_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct pchan *c;
	struct resource *res;
	const char *label = NULL;
	u32 endpoint;
	int irq, err;

	c = devm_kzalloc(dev, sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	if (!res)
		return -EINVAL;
	c->phys = res->start;
	c->size = resource_size(res);
	if (of_property_read_u32(dev->of_node, "partita,index", &c->index) ||
	    of_property_read_u32(dev->of_node, "partita,endpoint", &endpoint) || endpoint > 1)
		return dev_err_probe(dev, -EINVAL, "no partita,index or partita,endpoint\n");
	of_property_read_string(dev->of_node, "label", &label);
	/* Normal write-back memory, as the peer maps it: never ioremap (Device) here. */
	c->window = devm_memremap(dev, c->phys, c->size, MEMREMAP_WB);
	if (IS_ERR(c->window))
		return PTR_ERR(c->window);
	if (ptchan_open(&c->pc, c->window, c->size, endpoint))
		return dev_err_probe(dev, -EINVAL, "window of %zu bytes is too small\n", c->size);
	init_waitqueue_head(&c->wq);
	mutex_init(&c->rlock);
	mutex_init(&c->wlock);
	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	err = devm_request_irq(dev, irq, doorbell, 0, dev_name(dev), c);
	if (err)
		return err;
	snprintf(c->name, sizeof(c->name), "partita-%s", label ? label : dev_name(dev));
	snprintf(c->nodename, sizeof(c->nodename), "partita/%s", label ? label : dev_name(dev));
	c->misc.minor = MISC_DYNAMIC_MINOR;
	c->misc.name = c->name;
	c->misc.nodename = c->nodename;
	c->misc.fops = &pchan_fops;
	c->misc.parent = dev;
	err = misc_register(&c->misc);
	if (err)
		return err;
	platform_set_drvdata(pdev, c);
	/* The peer's current life is the one we talk to: only a later reopening is a reset. */
	ptchan_peer_reset(&c->pc);
	ring_peer(c);   /* we (re)opened: the peer may look */
	dev_info(dev, "/dev/%s: %zu-byte window, endpoint %u, rings of %u bytes\n", c->nodename,
		 c->size, endpoint, c->pc.ring_size);
	return 0;
}

static int pchan_remove(struct platform_device *pdev)
{
	struct pchan *c = platform_get_drvdata(pdev);

	misc_deregister(&c->misc);
	return 0;
}

static const struct of_device_id pchan_of[] = {
	{ .compatible = "partita,channel" },
	{ }
};
MODULE_DEVICE_TABLE(of, pchan_of);

static struct platform_driver pchan_driver = {
	.probe = pchan_probe,
	.remove = pchan_remove,
	.driver = { .name = "partita-channel", .of_match_table = pchan_of },
};
module_platform_driver(pchan_driver);

MODULE_DESCRIPTION("Partita inter-VM channel: messages, doorbell, mmap");
MODULE_LICENSE("GPL");
