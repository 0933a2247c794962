// SPDX-License-Identifier: GPL-2.0
/*
 * netswitch: learning Ethernet bridges (docs/net.md, modvisor/netswitch.h).
 * A host driver for compatible "modvisor,bridge": each such node of the
 * boot device tree (/netswitches/br0) becomes a switch named after the
 * node. Learning and forwarding are in netswitch_core.c.
 *
 * Locking. The forwarding table, the port table and every deliver call
 * are under the switch lock. mv_netport_send runs on vCPU exit paths,
 * which must never wait for a thread, so it only tries the lock: if it
 * is free, no frame is queued and the frame goes to one known port, the
 * sender forwards it itself (copied first: the guest may change it
 * while the switch reads it), so a frame reaches its receiver without a
 * thread switch. Otherwise it copies the frame into the switch's
 * bounded lock-free queue (multi-producer, one consumer) and wakes the
 * switch thread if it sleeps; the thread forwards queued frames in
 * order. Threads wait for the lock by sleeping. The switch list is the
 * threads' alone.
 *
 * Offloads: the switch checks each frame's metadata
 * (netswitch_offload.c) before forwarding it and adapts it to each
 * destination port's offloads, segmenting through a per-switch scratch
 * buffer when the port cannot take a GSO frame whole.
 */
#include <modvisor/errno.h>
#include <modvisor/device.h>
#include <modvisor/module.h>
#include <modvisor/netswitch.h>
#include <modvisor/nucleus.h>
#include <modvisor/sched.h>
#include <string.h>
#include "netswitch_core.h"
#include "netswitch_offload.h"


#define MAX_PORTS 32
#define FDB_BUCKETS 256			/* x NS_FDB_WAYS = 1024 MACs */
#define QLEN 1024			/* frames queued per switch */
#define QBYTES_MAX (8u << 20)		/* bytes queued per switch */
#define BATCH 64			/* frames per lock hold */
#define DEFAULT_AGEING_MS 300000ull
#define WARN_EVERY_NS (10ull * 1000000000)	/* bad metadata warnings */

struct qframe {
	uint32_t slot, gen;
	struct mv_netmeta meta;
	size_t len;
	uint8_t data[];
};

struct qent {
	uint64_t seq;
	struct qframe *f;
};

struct mv_netport {
	struct mv_netswitch *sw;
	char name[MV_NETPORT_NAME_MAX];
	unsigned int slot;
	uint32_t gen;
	mv_netport_deliver_fn deliver;
	void *ctx;
	unsigned int offloads;		/* atomic: MV_NETPORT_* */
	uint64_t queue_drops;		/* atomic: lost on the way in */
	uint64_t deliver_drops;		/* atomic: the port could not take */
	/* Under the switch lock: */
	uint64_t bad_meta, bad_unlogged, segmented;
	uint64_t direct;		/* handled by forward_now */
	uint64_t warned_ns;
	bool warned;
};

struct mv_netswitch {
	struct mv_netswitch *next;	/* switch list */
	char name[MV_NETSWITCH_NAME_MAX];
	int lock;			/* threads only */
	struct ns_core core;
	struct ns_fdb_entry fdb[FDB_BUCKETS * NS_FDB_WAYS];
	struct ns_port cports[MAX_PORTS];
	struct mv_netport *ports[MAX_PORTS];
	/* The queue (Vyukov's bounded queue, one consumer). */
	struct qent q[QLEN];
	uint64_t enq;			/* atomic */
	uint64_t deq;			/* written under the lock */
	uint64_t qbytes;		/* atomic */
	int sleeping, stop, done;	/* atomics */
	struct mv_waitq *wq;
	/* Under the lock: the frame being forwarded and segment space. */
	const struct mv_netmeta *cur_meta;
	uint8_t scratch[NS_OFF_SCRATCH];
	uint8_t frame[MV_NETFRAME_MAX];	/* a sender's, forwarded at once */
};

static struct mv_netswitch *switches;
static int list_lock;

/* Threads only: sleep rather than spin, so a preempted holder runs. */
static void tlock(int *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		mv_sleep_ns(20000);
}

static void tunlock(int *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

/* --- the queue --- */

static bool q_put(struct mv_netswitch *sw, struct qframe *f)
{
	uint64_t pos = __atomic_load_n(&sw->enq, __ATOMIC_RELAXED);
	struct qent *e;

	for (;;) {
		int64_t diff;

		e = &sw->q[pos & (QLEN - 1)];
		diff = (int64_t)(__atomic_load_n(&e->seq, __ATOMIC_ACQUIRE) -
				 pos);
		if (diff == 0) {
			if (__atomic_compare_exchange_n(&sw->enq, &pos,
							pos + 1, true,
							__ATOMIC_RELAXED,
							__ATOMIC_RELAXED))
				break;
		} else if (diff < 0) {
			return false;	/* full */
		} else {
			pos = __atomic_load_n(&sw->enq, __ATOMIC_RELAXED);
		}
	}
	e->f = f;
	__atomic_store_n(&e->seq, pos + 1, __ATOMIC_RELEASE);
	return true;
}

static bool q_ready(struct mv_netswitch *sw)
{
	struct qent *e = &sw->q[sw->deq & (QLEN - 1)];

	return __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE) == sw->deq + 1;
}

static struct qframe *q_get(struct mv_netswitch *sw)
{
	struct qent *e = &sw->q[sw->deq & (QLEN - 1)];
	struct qframe *f;

	if (!q_ready(sw))
		return NULL;
	f = e->f;
	__atomic_store_n(&e->seq, sw->deq + QLEN, __ATOMIC_RELEASE);
	sw->deq++;
	__atomic_sub_fetch(&sw->qbytes, f->len, __ATOMIC_RELAXED);
	return f;
}

/* --- the switch thread --- */

static void emit(void *ctx, const void *frame, size_t len,
		 const struct mv_netmeta *m)
{
	struct mv_netport *p = ctx;

	p->deliver(p->ctx, frame, len, m);
}

static void out(void *ctx, unsigned int dst, const void *frame, size_t len)
{
	struct mv_netswitch *sw = ctx;
	struct mv_netport *p = sw->ports[dst];
	unsigned int off;

	if (!p)
		return;
	off = __atomic_load_n(&p->offloads, __ATOMIC_RELAXED);
	if (ns_off_adapt(frame, len, sw->cur_meta, off, sw->scratch, emit,
			 p) > 1)
		p->segmented++;
}

/*
 * Metadata comes from guests: a frame with bad metadata is dropped and
 * counted, with a warning the first time and then at most every 10 s.
 */
static bool meta_ok(struct mv_netswitch *sw, unsigned int slot,
		    const uint8_t *frame, size_t len, struct mv_netmeta *m)
{
	struct mv_netport *p = sw->ports[slot];
	const char *why;
	uint64_t now;

	if (!m->flags && !m->gso_type && !m->hdr_len) {
		/* Plain, as most are: deliver sees all zero metadata. */
		memset(m, 0, sizeof(*m));
		return true;
	}
	if (!ns_off_check(frame, len, m, &why))
		return true;
	p->bad_meta++;
	sw->cports[slot].st.drops++;
	now = mv_time_ns();
	if (p->warned && now - p->warned_ns < WARN_EVERY_NS) {
		p->bad_unlogged++;
		return false;
	}
	mv_log(MV_LOG_WARN, "netswitch: %s: port %s: bad offload metadata "
	       "(%s: flags 0x%x gso_type %u gso_size %u hdr_len %u csum %u+%u,"
	       " %zu bytes); dropped (%llu more since the last warning)\n",
	       sw->name, p->name, why, m->flags, m->gso_type, m->gso_size,
	       m->hdr_len, m->csum_start, m->csum_offset, len,
	       (unsigned long long)p->bad_unlogged);
	p->warned = true;
	p->warned_ns = now;
	p->bad_unlogged = 0;
	return false;
}

/* Under the switch lock: a frame from the port in slot (still there). */
static void forward(struct mv_netswitch *sw, unsigned int slot,
		    const uint8_t *frame, size_t len, struct mv_netmeta *m)
{
	if (!meta_ok(sw, slot, frame, len, m))
		return;
	sw->cur_meta = m;
	ns_core_input(&sw->core, slot, frame, len, mv_time_ns(), out, sw);
}

static bool thread_should_run(struct mv_netswitch *sw)
{
	__atomic_store_n(&sw->sleeping, 1, __ATOMIC_SEQ_CST);
	/*
	 * The store before q_ready()'s load: a sender publishes its frame
	 * before it swaps sleeping, so one of us sees the other's write.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return q_ready(sw) || __atomic_load_n(&sw->stop, __ATOMIC_SEQ_CST);
}

static void switch_thread(void *arg)
{
	struct mv_netswitch *sw = arg;

	while (!__atomic_load_n(&sw->stop, __ATOMIC_SEQ_CST)) {
		struct qframe *f;
		int n = 0;

		mv_wait_event(sw->wq, thread_should_run(sw));
		__atomic_store_n(&sw->sleeping, 0, __ATOMIC_SEQ_CST);
		tlock(&sw->lock);
		while (n++ < BATCH && (f = q_get(sw))) {
			if (f->slot < MAX_PORTS && sw->ports[f->slot] &&
			    sw->cports[f->slot].gen == f->gen)
				forward(sw, f->slot, f->data, f->len,
					&f->meta);
			mv_free(f);
		}
		tunlock(&sw->lock);
		if (n > BATCH)
			mv_yield();	/* more to do: let others run */
	}
	__atomic_store_n(&sw->done, 1, __ATOMIC_SEQ_CST);
	mv_thread_exit();
}

/* --- ports --- */

/*
 * Forward a sender's frame now if the switch is free, no queued frame
 * must go first (the sender's own earlier ones among them) and it goes
 * to one known port: a flood (up to MAX_PORTS copies) is the thread's
 * work, so a sender's exit, with interrupts masked, delivers once. A
 * sending thread (the host NIC's) masks them too: it must not be
 * preempted holding the lock while frames pile up in the queue.
 */
static bool forward_now(struct mv_netport *port, const void *frame,
			size_t len, const struct mv_netmeta *meta)
{
	static const struct mv_netmeta plain;
	struct mv_netswitch *sw = port->sw;
	struct mv_netmeta m = meta ? *meta : plain;
	unsigned long flags;
	bool known = false;

	if (len < NS_ETH_HLEN)
		return false;
	flags = mv_irq_save();
	if (__atomic_exchange_n(&sw->lock, 1, __ATOMIC_ACQUIRE))
		goto out;
	/*
	 * Nothing queued, nor being queued: a sender that has taken a slot
	 * but not filled it yet (an earlier frame of this sender's among
	 * them) leaves the head empty, so q_ready() alone would let this
	 * frame overtake it.
	 */
	if (__atomic_load_n(&sw->enq, __ATOMIC_ACQUIRE) == sw->deq) {
		memcpy(sw->frame, frame, len);
		known = !(sw->frame[0] & 1) &&
			ns_core_lookup(&sw->core, sw->frame, mv_time_ns()) !=
			NS_NO_PORT;
		if (known) {
			port->direct++;
			forward(sw, port->slot, sw->frame, len, &m);
		}
	}
	tunlock(&sw->lock);
out:
	mv_irq_restore(flags);
	return known;
}

void mv_netport_send(struct mv_netport *port, const void *frame, size_t len,
		     const struct mv_netmeta *meta)
{
	struct mv_netswitch *sw = port->sw;
	struct qframe *f;

	if (len > MV_NETFRAME_MAX)
		goto drop;
	if (forward_now(port, frame, len, meta))
		return;
	if (__atomic_add_fetch(&sw->qbytes, len, __ATOMIC_RELAXED) >
	    QBYTES_MAX) {
		__atomic_sub_fetch(&sw->qbytes, len, __ATOMIC_RELAXED);
		goto drop;
	}
	f = mv_malloc(sizeof(*f) + len);
	if (!f)
		goto unaccount;
	f->slot = port->slot;
	f->gen = port->gen;
	f->len = len;
	if (meta)
		f->meta = *meta;
	else
		memset(&f->meta, 0, sizeof(f->meta));
	memcpy(f->data, frame, len);
	if (!q_put(sw, f)) {
		mv_free(f);
		goto unaccount;
	}
	if (__atomic_exchange_n(&sw->sleeping, 0, __ATOMIC_SEQ_CST))
		mv_waitq_wake_one(sw->wq);
	return;
unaccount:
	__atomic_sub_fetch(&sw->qbytes, len, __ATOMIC_RELAXED);
drop:
	__atomic_add_fetch(&port->queue_drops, 1, __ATOMIC_RELAXED);
}

void mv_netport_drop(struct mv_netport *port)
{
	if (port)
		__atomic_add_fetch(&port->deliver_drops, 1, __ATOMIC_RELAXED);
}

/* TSO without checksum offload makes no sense: such a port gets neither. */
static unsigned int sane_offloads(unsigned int off)
{
	off &= MV_NETPORT_CSUM | MV_NETPORT_TSO4 | MV_NETPORT_TSO6;
	return (off & MV_NETPORT_CSUM) ? off : 0;
}

void mv_netport_set_offloads(struct mv_netport *port, unsigned int offloads)
{
	__atomic_store_n(&port->offloads, sane_offloads(offloads),
			 __ATOMIC_RELAXED);
}

struct mv_netport *mv_netport_add(struct mv_netswitch *sw, const char *name,
				  unsigned int offloads,
				  mv_netport_deliver_fn deliver, void *ctx)
{
	struct mv_netport *p;
	int slot;

	if (!sw || !deliver)
		return NULL;
	p = mv_zalloc(sizeof(*p));
	if (!p) {
		mv_log(MV_LOG_ERR, "netswitch: %s: no memory for port %s\n",
		       sw->name, name);
		return NULL;
	}
	mv_snprintf(p->name, sizeof(p->name), "%s", name ? name : "?");
	p->sw = sw;
	p->deliver = deliver;
	p->ctx = ctx;
	p->offloads = sane_offloads(offloads);
	tlock(&sw->lock);
	slot = ns_core_port_add(&sw->core);
	if (slot != NS_NO_PORT) {
		p->slot = (unsigned int)slot;
		p->gen = sw->cports[slot].gen;
		sw->ports[slot] = p;
	}
	tunlock(&sw->lock);
	if (slot == NS_NO_PORT) {
		mv_log(MV_LOG_ERR, "netswitch: %s: no room for port %s (%u "
		       "ports)\n", sw->name, p->name, MAX_PORTS);
		mv_free(p);
		return NULL;
	}
	mv_log(MV_LOG_INFO, "netswitch: %s: port %s added\n", sw->name,
	       p->name);
	return p;
}

void mv_netport_remove(struct mv_netport *port)
{
	struct mv_netswitch *sw;

	if (!port)
		return;
	sw = port->sw;
	tlock(&sw->lock);
	ns_core_port_remove(&sw->core, port->slot);	/* bumps gen */
	sw->ports[port->slot] = NULL;
	tunlock(&sw->lock);
	mv_log(MV_LOG_INFO, "netswitch: %s: port %s removed\n", sw->name,
	       port->name);
	mv_free(port);
}

/* --- switches --- */

struct mv_netswitch *mv_netswitch_find(const char *name)
{
	struct mv_netswitch *sw;

	tlock(&list_lock);
	for (sw = switches; sw; sw = sw->next)
		if (!strcmp(sw->name, name))
			break;
	tunlock(&list_lock);
	return sw;
}

static void fill_info(struct mv_netswitch *sw, struct mv_netswitch_info *in)
{
	uint64_t now = mv_time_ns();

	memset(in, 0, sizeof(*in));
	tlock(&sw->lock);
	memcpy(in->name, sw->name, sizeof(in->name));
	for (unsigned int i = 0; i < MAX_PORTS; i++) {
		if (sw->ports[i])
			in->ports++;
		in->macs += ns_core_port_macs(&sw->core, i, now);
	}
	in->max_ports = MAX_PORTS;
	in->mac_capacity = FDB_BUCKETS * NS_FDB_WAYS;
	in->ageing_ms = sw->core.ageing_ns / 1000000;
	in->flooded = sw->core.flooded;
	in->forwarded = sw->core.forwarded;
	in->filtered = sw->core.filtered;
	in->learn_full = sw->core.learn_full;
	tunlock(&sw->lock);
}

unsigned int mv_netswitch_count(void)
{
	unsigned int n = 0;

	tlock(&list_lock);
	for (struct mv_netswitch *sw = switches; sw; sw = sw->next)
		n++;
	tunlock(&list_lock);
	return n;
}

int mv_netswitch_info_at(unsigned int i, struct mv_netswitch_info *info)
{
	struct mv_netswitch *sw;

	tlock(&list_lock);
	for (sw = switches; sw && i; sw = sw->next)
		i--;
	if (sw)
		fill_info(sw, info);
	tunlock(&list_lock);
	return sw ? 0 : -MV_ENOENT;
}

int mv_netswitch_info(const char *name, struct mv_netswitch_info *info)
{
	struct mv_netswitch *sw = mv_netswitch_find(name);

	if (!sw)
		return -MV_ENOENT;
	fill_info(sw, info);
	return 0;
}

int mv_netport_info_at(const char *name, unsigned int i,
		       struct mv_netport_info *info)
{
	struct mv_netswitch *sw = mv_netswitch_find(name);
	int err = -MV_ENOENT;

	if (!sw)
		return err;
	tlock(&sw->lock);
	for (unsigned int s = 0; s < MAX_PORTS; s++) {
		struct mv_netport *p = sw->ports[s];
		const struct ns_port_stats *st = &sw->cports[s].st;

		if (!p || i--)
			continue;
		memset(info, 0, sizeof(*info));
		memcpy(info->name, p->name, sizeof(info->name));
		info->rx_frames = st->rx_frames;
		info->rx_bytes = st->rx_bytes;
		info->tx_frames = st->tx_frames;
		info->tx_bytes = st->tx_bytes;
		info->drops = st->drops +
			      __atomic_load_n(&p->queue_drops,
					      __ATOMIC_RELAXED) +
			      __atomic_load_n(&p->deliver_drops,
					      __ATOMIC_RELAXED);
		info->bad_meta = p->bad_meta;
		info->segmented = p->segmented;
		info->direct = p->direct;
		info->offloads = __atomic_load_n(&p->offloads,
						 __ATOMIC_RELAXED);
		info->macs = ns_core_port_macs(&sw->core, s, mv_time_ns());
		err = 0;
		break;
	}
	tunlock(&sw->lock);
	return err;
}

int mv_netswitch_set_ageing(const char *name, uint64_t ms)
{
	struct mv_netswitch *sw = mv_netswitch_find(name);

	if (!sw)
		return -MV_ENOENT;
	if (!ms || ms > 1000ull * 1000 * 1000 * 1000)
		return -MV_EINVAL;
	tlock(&sw->lock);
	sw->core.ageing_ns = ms * 1000000;
	tunlock(&sw->lock);
	return 0;
}

/* --- the driver --- */

static int bridge_probe(struct mv_device *dev)
{
	const char *base = strrchr(dev->path, '/');
	struct mv_netswitch *sw, **pp;
	uint32_t ageing_ms = DEFAULT_AGEING_MS;
	size_t len;

	base = base ? base + 1 : dev->path;
	len = strlen(base);
	if (strchr(base, '@'))
		len = (size_t)(strchr(base, '@') - base);
	if (!len || len >= MV_NETSWITCH_NAME_MAX) {
		mv_log(MV_LOG_ERR, "netswitch: %s: bad switch name\n",
		       dev->path);
		return -MV_EINVAL;
	}
	sw = mv_zalloc(sizeof(*sw));
	if (!sw)
		return -MV_ENOMEM;
	memcpy(sw->name, base, len);
	if (mv_netswitch_find(sw->name)) {
		mv_log(MV_LOG_ERR, "netswitch: %s: a switch named %s exists\n",
		       dev->path, sw->name);
		mv_free(sw);
		return -MV_EINVAL;
	}
	if (!mv_dt_u32(&dev->node, "ageing-time-ms", &ageing_ms) &&
	    !ageing_ms) {
		mv_log(MV_LOG_ERR, "netswitch: %s: ageing-time-ms is 0 (nothing "
		       "would ever be learned)\n", dev->path);
		mv_free(sw);
		return -MV_EINVAL;
	}
	ns_core_init(&sw->core, sw->fdb, FDB_BUCKETS, sw->cports, MAX_PORTS,
		     (uint64_t)ageing_ms * 1000000);
	for (unsigned int i = 0; i < QLEN; i++)
		sw->q[i].seq = i;
	sw->wq = mv_waitq_new();
	if (!sw->wq) {
		mv_free(sw);
		return -MV_ENOMEM;
	}
	if (!mv_thread_create("netswitch", switch_thread, sw, MV_PRIO_HIGH,
			      MV_CPU_ANY)) {
		mv_waitq_delete(sw->wq);
		mv_free(sw);
		return -MV_ENOMEM;
	}
	tlock(&list_lock);	/* sorted by name, for `netswitch list` */
	for (pp = &switches; *pp && strcmp((*pp)->name, sw->name) < 0;
	     pp = &(*pp)->next)
		;
	sw->next = *pp;
	*pp = sw;
	tunlock(&list_lock);
	dev->priv = sw;
	mv_log(MV_LOG_INFO, "netswitch: %s: learning bridge, ageing %u ms\n",
	       sw->name, ageing_ms);
	return 0;
}

static void bridge_remove(struct mv_device *dev)
{
	struct mv_netswitch *sw = dev->priv, **pp;
	struct qframe *f;

	tlock(&list_lock);
	for (pp = &switches; *pp; pp = &(*pp)->next)
		if (*pp == sw) {
			*pp = sw->next;
			break;
		}
	tunlock(&list_lock);
	__atomic_store_n(&sw->stop, 1, __ATOMIC_SEQ_CST);
	mv_waitq_wake_all(sw->wq);
	while (!__atomic_load_n(&sw->done, __ATOMIC_SEQ_CST))
		mv_sleep_ns(1000000);
	mv_sleep_ns(1000000);	/* its last instructions in this module */
	while ((f = q_get(sw)))
		mv_free(f);
	for (unsigned int i = 0; i < MAX_PORTS; i++) {
		if (sw->ports[i]) {	/* its provider outlives us: leak */
			mv_log(MV_LOG_WARN, "netswitch: %s: port %s still "
			       "attached\n", sw->name, sw->ports[i]->name);
			return;
		}
	}
	mv_waitq_delete(sw->wq);
	mv_free(sw);
}

static const struct mv_driver_ops bridge_ops = {
	.probe = bridge_probe,
	.remove = bridge_remove,
};

MV_MODULE(netswitch, NULL, NULL);
MV_MODULE_VERSION("1.0");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("Learning Ethernet bridges (modvisor,bridge)");
MV_DRIVER("modvisor,bridge", bridge_ops);
MV_EXPORT(mv_netswitch_find);
MV_EXPORT(mv_netport_add);
MV_EXPORT(mv_netport_remove);
MV_EXPORT(mv_netport_send);
MV_EXPORT(mv_netport_set_offloads);
MV_EXPORT(mv_netport_drop);
MV_EXPORT(mv_netswitch_count);
MV_EXPORT(mv_netswitch_info_at);
MV_EXPORT(mv_netswitch_info);
MV_EXPORT(mv_netport_info_at);
MV_EXPORT(mv_netswitch_set_ageing);
