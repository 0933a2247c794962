// SPDX-License-Identifier: GPL-2.0
/*
 * Guest PL011 UART: the register model of pl011_regs.c behind a guest
 * device node with compatible "arm,pl011", its output and input through a
 * vserial port named "<guest>/<device>" (the node's vserial-name or label
 * property, else its name before the '@').
 *
 * Register accesses come from vCPU exit paths; typed bytes come from the
 * terminal's thread. A thread must never hold a lock a vCPU spins on (it
 * can be preempted holding it, and the vCPU may spin on the same CPU with
 * interrupts masked), so input goes through a lock-free backlog that
 * register accesses drain into the receive FIFO, and raises the
 * interrupt line itself when the guest listens for received data.
 *
 * FR, RIS, MIS and IMSC, which a driver polls and reading changes nothing,
 * are read without the lock while no typed byte waits in the backlog:
 * every lock holder leaves a snapshot of them, and a reader that takes
 * it sees the state of the last one to let go.
 */
#include <modvisor/errno.h>
#include <modvisor/emulator.h>
#include <modvisor/module.h>
#include <modvisor/nucleus.h>
#include <modvisor/vserial.h>
#include "pl011_regs.h"


#define BACKLOG 1024		/* typed bytes waiting for FIFO room */
#define DEVICE_NAME_MAX 32

struct pl011_dev {
	struct pl011_regs regs;		/* under lock */
	struct mv_emu *emu;
	struct mv_vserial *port;
	int lock;			/* taken on vCPU exit paths only */
	bool line;			/* level last driven, under lock */
	/*
	 * Single producer (vserial calls input from one thread at a time),
	 * single consumer (whoever holds lock).
	 */
	unsigned int in_head, in_tail;
	char backlog[BACKLOG];
	int rx_unmasked;		/* IMSC has RX or RT (for input) */
	/*
	 * pl011_regs_snapshot() (high half) and in_tail (low half) as the
	 * last lock holder left them; written under lock.
	 */
	uint64_t snap;
	int kicked;			/* input drove the line high */
	unsigned long dropped;
};

static void cpu_relax(void)
{
#if defined(__aarch64__) || defined(__arm__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

static void dev_lock(struct pl011_dev *d)
{
	while (__atomic_exchange_n(&d->lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&d->lock, __ATOMIC_RELAXED))
			cpu_relax();
}

/* Publishes the snapshot of what the holder leaves, then lets go. */
static void dev_unlock(struct pl011_dev *d)
{
	__atomic_store_n(&d->snap,
			 (uint64_t)pl011_regs_snapshot(&d->regs) << 32 |
			 d->in_tail, __ATOMIC_RELEASE);
	__atomic_store_n(&d->lock, 0, __ATOMIC_RELEASE);
}

static void irq_set(struct pl011_dev *d, bool level)
{
	if (d->emu->irq >= 0)
		mv_emu_irq_set(d->emu, level);
}

/*
 * Under lock: move typed bytes into the receive FIFO while it has room;
 * true if any moved.
 */
static inline __attribute__((always_inline))
bool refill(struct pl011_dev *d)
{
	unsigned int tail = d->in_tail, start = tail;
	unsigned int head = __atomic_load_n(&d->in_head, __ATOMIC_ACQUIRE);

	if (tail == head)
		return false;
	while (tail != head && pl011_rx_room(&d->regs))
		pl011_rx_push(&d->regs, (uint8_t)d->backlog[tail++ % BACKLOG]);
	__atomic_store_n(&d->in_tail, tail, __ATOMIC_RELEASE);
	return tail != start;
}

/*
 * Under lock, after every access: drain the backlog, publish the RX mask
 * for input, drive the line. Returns true if bytes were typed meanwhile
 * that the FIFO can take: then it must run again, because the input side
 * may have seen the line still high and not raised it (see pl011_input).
 */
static bool settle(struct pl011_dev *d)
{
	bool level;

	refill(d);
	__atomic_store_n(&d->rx_unmasked,
			 (d->regs.imsc & (PL011_INT_RX | PL011_INT_RT)) != 0,
			 __ATOMIC_SEQ_CST);
	level = pl011_irq_level(&d->regs);
	/* Input may have raised the line behind our back: then drive it. */
	if (level != d->line ||
	    __atomic_exchange_n(&d->kicked, 0, __ATOMIC_SEQ_CST)) {
		irq_set(d, level);
		d->line = level;
	}
	return __atomic_load_n(&d->in_head, __ATOMIC_SEQ_CST) != d->in_tail &&
	       pl011_rx_room(&d->regs);
}

static __attribute__((noinline))
int pl011_read_locked(struct pl011_dev *d, uint64_t offset, unsigned int width,
		      uint64_t *val)
{
	uint32_t v = 0;
	bool ok, moved;

	dev_lock(d);
	moved = refill(d);	/* FR and DR see what was typed */
	ok = pl011_regs_read(&d->regs, offset, width, &v);
	/* Only new input or a DR read (it pops the FIFO) change the line. */
	if (moved || (offset & ~3u) == PL011_DR)
		while (settle(d))
			;
	dev_unlock(d);
	*val = v;
	return ok ? 0 : -MV_EINVAL;
}

/*
 * The snapshot is the state if its in_tail is still in_head: then every
 * byte typed before it was taken was in the FIFO when it was, and none
 * came since (in_head read after it). in_tail never passes in_head.
 */
static int pl011_read(struct mv_emu *emu, uint64_t offset, unsigned int width,
		      uint64_t *val)
{
	struct pl011_dev *d = emu->priv;
	uint64_t snap = __atomic_load_n(&d->snap, __ATOMIC_ACQUIRE);
	uint32_t v;

	if ((uint32_t)snap == __atomic_load_n(&d->in_head, __ATOMIC_ACQUIRE) &&
	    pl011_snapshot_read(snap >> 32, offset, width, &v)) {
		*val = v;
		return 0;
	}
	return pl011_read_locked(d, offset, width, val);
}

static int pl011_write(struct mv_emu *emu, uint64_t offset, unsigned int width,
		       uint64_t val)
{
	struct pl011_dev *d = emu->priv;
	bool ok;

	dev_lock(d);
	refill(d);
	ok = pl011_regs_write(&d->regs, offset, width, (uint32_t)val);
	while (settle(d))
		;
	dev_unlock(d);
	return ok ? 0 : -MV_EINVAL;
}

/* Under lock, from a DR write. */
static void pl011_tx(void *ctx, uint8_t c)
{
	struct pl011_dev *d = ctx;
	char ch = (char)c;

	mv_vserial_output(d->port, &ch, 1);
}

/*
 * A byte typed into the port (terminal thread). It waits in the backlog
 * until a register access moves it into the FIFO; if the guest listens
 * for received data, raise the line now so that it comes to read. The
 * order (byte published, then mask read; mask published, then backlog
 * read, in settle) means that either settle sees the byte or this sees
 * the mask settle left and raises the line after settle drove it.
 */
static void pl011_input(void *ctx, char c)
{
	struct pl011_dev *d = ctx;
	unsigned int head = d->in_head;

	if (head - __atomic_load_n(&d->in_tail, __ATOMIC_ACQUIRE) >= BACKLOG) {
		if (!d->dropped++)
			mv_log(MV_LOG_WARN, "pl011-emu: %s/%s: input backlog "
			       "full; typed bytes are dropped\n",
			       d->emu->guest_name, d->emu->name);
		return;
	}
	d->backlog[head % BACKLOG] = c;
	__atomic_store_n(&d->in_head, head + 1, __ATOMIC_SEQ_CST);
	/* Already moved into the FIFO: that access drove the line. */
	if (!__atomic_load_n(&d->rx_unmasked, __ATOMIC_SEQ_CST) ||
	    __atomic_load_n(&d->in_tail, __ATOMIC_SEQ_CST) == head + 1)
		return;
	irq_set(d, true);
	__atomic_store_n(&d->kicked, 1, __ATOMIC_SEQ_CST);
}

/* The port's device name: vserial-name, label, or the node name. */
static const char *device_name(struct mv_emu *emu,
			       const struct mv_dt_node *node,
			       char buf[DEVICE_NAME_MAX])
{
	const char *name = mv_dt_string(node, "vserial-name");
	size_t len = 0;

	if (!name)
		name = mv_dt_string(node, "label");
	if (name && name[0])
		return name;
	while (emu->name[len] && emu->name[len] != '@' &&
	       len < DEVICE_NAME_MAX - 1) {
		buf[len] = emu->name[len];
		len++;
	}
	buf[len] = '\0';
	return buf;
}

static int pl011_probe(struct mv_emu *emu, const struct mv_dt_node *node)
{
	char buf[DEVICE_NAME_MAX];
	struct pl011_dev *d;

	/* Drivers find the ID registers at the end of the 4 KiB block. */
	if (emu->size < PL011_REGS_SIZE) {
		mv_log(MV_LOG_ERR, "pl011-emu: %s/%s: reg size 0x%lx is "
		       "smaller than the 4 KiB register block\n",
		       emu->guest_name, emu->name, (unsigned long)emu->size);
		return -MV_EINVAL;
	}
	d = mv_zalloc(sizeof(*d));
	if (!d)
		return -MV_ENOMEM;
	d->emu = emu;
	pl011_regs_init(&d->regs, pl011_tx, d);
	d->snap = (uint64_t)pl011_regs_snapshot(&d->regs) << 32;
	d->port = mv_vserial_create(emu->guest_name,
				    device_name(emu, node, buf), pl011_input,
				    d);
	if (!d->port) {
		mv_free(d);
		return -MV_ENOMEM;
	}
	emu->priv = d;
	return 0;
}

static void pl011_reset(struct mv_emu *emu)
{
	struct pl011_dev *d = emu->priv;

	dev_lock(d);
	pl011_regs_reset(&d->regs);
	/* What was typed for the guest's previous life goes too. */
	__atomic_store_n(&d->in_tail, __atomic_load_n(&d->in_head,
						      __ATOMIC_ACQUIRE),
			 __ATOMIC_RELEASE);
	d->line = false;
	__atomic_store_n(&d->kicked, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&d->rx_unmasked, 0, __ATOMIC_SEQ_CST);
	irq_set(d, false);
	dev_unlock(d);
}

static void pl011_remove(struct mv_emu *emu)
{
	struct pl011_dev *d = emu->priv;

	/* Returns once no input call can reach d any more. */
	mv_vserial_destroy(d->port);
	emu->priv = NULL;
	mv_free(d);
}

static const struct mv_emu_ops pl011_ops = {
	.probe = pl011_probe,
	.read = pl011_read,
	.write = pl011_write,
	.reset = pl011_reset,
	.remove = pl011_remove,
};

MV_MODULE(pl011-emu, NULL, NULL);
MV_MODULE_VERSION("1.0");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("ARM PL011 UART for guests, on a vserial port");
MV_EMULATOR("arm,pl011", pl011_ops);
