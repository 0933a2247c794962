// SPDX-License-Identifier: GPL-2.0
/*
 * The netswitch module (modules/net/netswitch/netswitch.c, included)
 * around its forwarding core and offloads, with the nucleus stood in for:
 * threads and wait queues on pthreads, a clock the test sets, device tree
 * nodes built with libfdt. Probing (names from node paths, ageing-time-ms
 * and 0 refused, duplicates, bad names, the sorted list, out of memory);
 * ports (offloads sanitised, 32 per switch, slots reused); floods through
 * the switch thread; the direct path (a sender forwards a frame to a
 * learned port itself, before mv_netport_send returns) and ageing on the
 * module's clock; queueing while the switch is busy, frames are queued or
 * a sender has taken a queue slot it has not filled yet, all in order;
 * the queue's frame and byte bounds; offload metadata through
 * both paths, bad metadata dropped and warned at most every 10 s; four
 * senders at once (every frame delivered once and in order, or counted as
 * dropped); port removal with frames queued by and for the port (the
 * generation check) and the switch's removal freeing everything.
 */
#define _GNU_SOURCE
#include "../../modules/net/netswitch/netswitch.c"

#include <errno.h>
#include <libfdt.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "mv_test.h"

#define SEC 1000000000ull
#define MS 1000000ull

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * SEC + (uint64_t)ts.tv_nsec;
}

static struct timespec ts_of(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / SEC),
		.tv_nsec = (long)(ns % SEC),
	};

	return ts;
}

/* --- Stand-ins for the nucleus ---------------------------------------- */

static long live_allocs;	/* mv_malloc/mv_zalloc minus mv_free */
static long fail_allocs = -1;	/* n >= 0: the (n+1)-th allocation fails */

static bool alloc_fails(void)
{
	long n = __atomic_load_n(&fail_allocs, __ATOMIC_RELAXED);

	if (n < 0)
		return false;
	__atomic_store_n(&fail_allocs, n ? n - 1 : -1, __ATOMIC_RELAXED);
	return !n;
}

void *mv_malloc(size_t size)
{
	void *p = alloc_fails() ? NULL : malloc(size ? size : 1);

	if (p)
		__atomic_add_fetch(&live_allocs, 1, __ATOMIC_RELAXED);
	return p;
}

void *mv_zalloc(size_t size)
{
	void *p = alloc_fails() ? NULL : calloc(1, size ? size : 1);

	if (p)
		__atomic_add_fetch(&live_allocs, 1, __ATOMIC_RELAXED);
	return p;
}

void mv_free(void *p)
{
	if (!p)
		return;
	__atomic_sub_fetch(&live_allocs, 1, __ATOMIC_RELAXED);
	free(p);
}

/* The module's clock: moved by the test only. */
static uint64_t clock_ns;

uint64_t mv_time_ns(void)
{
	return __atomic_load_n(&clock_ns, __ATOMIC_SEQ_CST);
}

static void advance(uint64_t ns)
{
	__atomic_add_fetch(&clock_ns, ns, __ATOMIC_SEQ_CST);
}

void mv_sleep_ns(uint64_t ns)
{
	struct timespec ts = ts_of(ns);

	nanosleep(&ts, NULL);
}

void mv_yield(void)
{
	sched_yield();
}

/* "Interrupts off" is a per-thread depth, so deliver can tell. */
static _Thread_local unsigned long tl_irq_off;
static unsigned long irq_mismatch;

unsigned long mv_irq_save(void)
{
	return ++tl_irq_off;
}

void mv_irq_restore(unsigned long flags)
{
	if (flags != tl_irq_off--)
		__atomic_add_fetch(&irq_mismatch, 1, __ATOMIC_RELAXED);
}

int mv_dt_u32(const struct mv_dt_node *n, const char *prop, uint32_t *val)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(n->fdt, n->offset, prop, &len);
	if (!p || len < (int)sizeof(*p))
		return -MV_ENOENT;
	*val = fdt32_to_cpu(*p);
	return 0;
}

/* Threads: joinable pthreads, joined by the test once a switch is gone. */
struct host_thread {
	pthread_t t;
	void (*fn)(void *);
	void *arg;
	bool used;
};

static struct host_thread hthreads[8];
static bool fail_threads;

static void *host_thread_main(void *arg)
{
	struct host_thread *h = arg;

	h->fn(h->arg);
	return NULL;
}

struct mv_thread *mv_thread_create(const char *name, void (*fn)(void *),
				   void *arg, int prio, int cpu)
{
	(void)name;
	(void)prio;
	(void)cpu;
	if (fail_threads)
		return NULL;
	for (unsigned int i = 0; i < MV_ARRAY_SIZE(hthreads); i++) {
		struct host_thread *h = &hthreads[i];

		if (h->used)
			continue;
		h->fn = fn;
		h->arg = arg;
		if (pthread_create(&h->t, NULL, host_thread_main, h))
			return NULL;
		h->used = true;
		return (struct mv_thread *)h;
	}
	return NULL;
}

void mv_thread_exit(void)
{
	pthread_exit(NULL);
}

/*
 * Wait queues with the nucleus's semantics: prepare takes a snapshot of
 * the queue's wake count, mv_schedule returns once it moved on, so that a
 * wake between prepare and mv_schedule is not lost. Against a hang, a
 * sleep ends after 30 s anyway (a spurious wake-up, which mv_wait_event
 * allows), longer than any wait for a frame here, so that a lost wake-up
 * still fails a test. While the test has frozen the switch threads they
 * stay asleep whatever happens (up to 60 s), keeping frames queued.
 */
struct mv_waitq {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t wakes;
	unsigned int sleepers;	/* threads in mv_schedule on it */
};

static struct mv_waitq *wqs[8];
static pthread_mutex_t wqs_mu = PTHREAD_MUTEX_INITIALIZER;
static int frozen;
static _Thread_local struct mv_waitq *tl_wq;
static _Thread_local uint64_t tl_wakes;

struct mv_waitq *mv_waitq_new(void)
{
	struct mv_waitq *wq = mv_zalloc(sizeof(*wq));
	pthread_condattr_t ca;

	if (!wq)
		return NULL;
	pthread_mutex_init(&wq->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wq->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_lock(&wqs_mu);
	for (unsigned int i = 0; i < MV_ARRAY_SIZE(wqs); i++) {
		if (!wqs[i]) {
			wqs[i] = wq;
			break;
		}
	}
	pthread_mutex_unlock(&wqs_mu);
	return wq;
}

void mv_waitq_delete(struct mv_waitq *wq)
{
	pthread_mutex_lock(&wqs_mu);
	for (unsigned int i = 0; i < MV_ARRAY_SIZE(wqs); i++)
		if (wqs[i] == wq)
			wqs[i] = NULL;
	pthread_mutex_unlock(&wqs_mu);
	pthread_cond_destroy(&wq->cv);
	pthread_mutex_destroy(&wq->mu);
	mv_free(wq);
}

void mv_waitq_prepare(struct mv_waitq *wq)
{
	pthread_mutex_lock(&wq->mu);
	tl_wq = wq;
	tl_wakes = wq->wakes;
	pthread_mutex_unlock(&wq->mu);
}

void mv_waitq_finish(struct mv_waitq *wq)
{
	(void)wq;
	tl_wq = NULL;
}

void mv_schedule(void)
{
	struct mv_waitq *wq = tl_wq;
	uint64_t nap = mono_ns() + 30 * SEC, guard = mono_ns() + 60 * SEC;

	if (!wq) {
		sched_yield();
		return;
	}
	pthread_mutex_lock(&wq->mu);
	wq->sleepers++;
	while (wq->wakes == tl_wakes ||
	       __atomic_load_n(&frozen, __ATOMIC_SEQ_CST)) {
		bool f = __atomic_load_n(&frozen, __ATOMIC_SEQ_CST);
		struct timespec ts = ts_of(f ? guard : nap);

		if (pthread_cond_timedwait(&wq->cv, &wq->mu, &ts) ==
		    ETIMEDOUT && mono_ns() >= (f ? guard : nap))
			break;
	}
	wq->sleepers--;
	pthread_mutex_unlock(&wq->mu);
}

unsigned int mv_waitq_wake(struct mv_waitq *wq, unsigned int max)
{
	unsigned int n;

	pthread_mutex_lock(&wq->mu);
	wq->wakes++;
	n = wq->sleepers < max ? wq->sleepers : max;
	pthread_cond_broadcast(&wq->cv);
	pthread_mutex_unlock(&wq->mu);
	return n;
}

static unsigned int wq_sleepers(struct mv_waitq *wq)
{
	unsigned int n;

	pthread_mutex_lock(&wq->mu);
	n = wq->sleepers;
	pthread_mutex_unlock(&wq->mu);
	return n;
}

static void thaw(void)
{
	__atomic_store_n(&frozen, 0, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&wqs_mu);
	for (unsigned int i = 0; i < MV_ARRAY_SIZE(wqs); i++) {
		if (!wqs[i])
			continue;
		pthread_mutex_lock(&wqs[i]->mu);
		pthread_cond_broadcast(&wqs[i]->cv);
		pthread_mutex_unlock(&wqs[i]->mu);
	}
	pthread_mutex_unlock(&wqs_mu);
}

/* --- Ports that record what they get ----------------------------------- */

/*
 * Test frames: destination, source, type, then for T_DATA the sender's
 * id, a big-endian sequence number and whether it was sent to all.
 */
#define T_DATA 0x88b5
#define T_OTHER 0x88b6
#define F_ID 14
#define F_SEQ 15
#define F_BCAST 19
#define MINLEN 60

#define NREC 40

struct rec {
	struct mv_netport *port;
	char sw[MV_NETSWITCH_NAME_MAX];
	char name[MV_NETPORT_NAME_MAX];
	unsigned int id;
	uint8_t mac[6];
	int removed;			/* atomic: mv_netport_remove done */
	/* Written by deliver (under the switch lock). */
	unsigned long frames;		/* atomic, bumped last */
	unsigned long sync;		/* delivered inside our send */
	unsigned long async;		/* on another thread */
	unsigned long irq_on;		/* sync, but "interrupts" on */
	unsigned long after_removal, bad, order_errors;
	unsigned long from_u[NREC], from_b[NREC];	/* T_DATA by sender */
	uint32_t last_seq[NREC];
	bool seen[NREC], last_sync[NREC];
	char first_error[96];		/* the first order error */
	uint64_t bytes;
	pthread_t last_tid;
	const void *last_ptr;
	size_t last_len;
	struct mv_netmeta last_meta;
	uint8_t last[128];
};

static struct rec recs[NREC];
static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static _Thread_local int tl_sending;	/* inside mv_netport_send */
static int in_deliver;
static unsigned long overlaps;		/* deliver calls at once */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void deliver(void *ctx, const void *frame, size_t len,
		    const struct mv_netmeta *m)
{
	struct rec *r = ctx;
	const uint8_t *f = frame;

	if (__atomic_fetch_add(&in_deliver, 1, __ATOMIC_SEQ_CST))
		__atomic_add_fetch(&overlaps, 1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&r->removed, __ATOMIC_SEQ_CST))
		r->after_removal++;
	if (tl_sending) {
		r->sync++;
		if (!tl_irq_off)
			r->irq_on++;
	} else {
		r->async++;
	}
	r->last_tid = pthread_self();
	r->last_ptr = frame;
	r->last_len = len;
	r->last_meta = *m;
	r->bytes += len;
	memcpy(r->last, f, len < sizeof(r->last) ? len : sizeof(r->last));
	if (len > F_BCAST && f[12] == T_DATA >> 8 && f[13] == (T_DATA & 0xff)) {
		unsigned int id = f[F_ID];
		uint32_t seq = get32(f + F_SEQ);

		if (id >= NREC || id == r->id) {
			r->bad++;
		} else {
			/* Strictly increasing: once each, in order. */
			if (r->seen[id] && seq <= r->last_seq[id] &&
			    !r->order_errors++)
				snprintf(r->first_error,
					 sizeof(r->first_error),
					 "from %u: %u (%s) after %u (%s)",
					 id, seq, tl_sending ? "direct" :
					 "queued", r->last_seq[id],
					 r->last_sync[id] ? "direct" :
					 "queued");
			r->seen[id] = true;
			r->last_seq[id] = seq;
			r->last_sync[id] = tl_sending;
			if (f[F_BCAST])
				r->from_b[id]++;
			else
				r->from_u[id]++;
		}
	}
	__atomic_add_fetch(&r->frames, 1, __ATOMIC_RELEASE);
	__atomic_sub_fetch(&in_deliver, 1, __ATOMIC_SEQ_CST);
}

static unsigned long frames(struct rec *r)
{
	return __atomic_load_n(&r->frames, __ATOMIC_ACQUIRE);
}

static void build(uint8_t *f, const uint8_t *dst, const struct rec *from,
		  uint16_t type, uint32_t seq, bool to_all)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, from->mac, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	f[F_ID] = (uint8_t)from->id;
	f[F_SEQ] = (uint8_t)(seq >> 24);
	f[F_SEQ + 1] = (uint8_t)(seq >> 16);
	f[F_SEQ + 2] = (uint8_t)(seq >> 8);
	f[F_SEQ + 3] = (uint8_t)seq;
	f[F_BCAST] = to_all;
}

static void tx(struct rec *from, const void *f, size_t len,
	       const struct mv_netmeta *m)
{
	tl_sending = 1;
	mv_netport_send(from->port, f, len, m);
	tl_sending = 0;
}

/* A data frame (MINLEN bytes) from one port to another's MAC. */
static void tx_to(struct rec *from, struct rec *to, uint32_t seq)
{
	uint8_t f[MINLEN] = { 0 };

	build(f, to->mac, from, T_DATA, seq, false);
	tx(from, f, sizeof(f), NULL);
}

static struct rec *add_port(struct mv_netswitch *sw, unsigned int id,
			    const char *name, unsigned int offloads)
{
	struct rec *r;

	CHECK_LT(id, NREC);
	r = &recs[id];
	CHECK(!r->port);
	r->id = id;
	r->mac[0] = 0x02;
	r->mac[4] = 0x01;
	r->mac[5] = (uint8_t)id;
	snprintf(r->sw, sizeof(r->sw), "%s", sw->name);
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->port = mv_netport_add(sw, name, offloads, deliver, r);
	CHECK(r->port);
	return r;
}

static void remove_port(struct rec *r)
{
	mv_netport_remove(r->port);
	r->port = NULL;
	__atomic_store_n(&r->removed, 1, __ATOMIC_SEQ_CST);
}

static struct mv_netport_info pinfo(const struct rec *r)
{
	struct mv_netport_info in;

	memset(&in, 0, sizeof(in));
	for (unsigned int i = 0; mv_netport_info_at(r->sw, i, &in) == 0; i++)
		if (!strcmp(in.name, r->name))
			return in;
	CHECK(!"the port is listed");
	return in;
}

static struct mv_netswitch_info swinfo(const char *name)
{
	struct mv_netswitch_info in;

	memset(&in, 0, sizeof(in));
	CHECK_EQ(mv_netswitch_info(name, &in), 0);
	return in;
}

/* Frames cross threads: poll, bounded, then check. */
#define WAIT_FOR(cond, secs)						\
	do {								\
		uint64_t d_ = mono_ns() + (uint64_t)(secs) * SEC;	\
		while (!(cond) && mono_ns() < d_)			\
			mv_sleep_ns(50000);				\
		CHECK(cond);						\
	} while (0)

/* Nothing queued and the lock free: the thread has nothing to do. */
static bool idle(struct mv_netswitch *sw)
{
	return __atomic_load_n(&sw->enq, __ATOMIC_SEQ_CST) ==
	       __atomic_load_n(&sw->deq, __ATOMIC_SEQ_CST) &&
	       !__atomic_load_n(&sw->lock, __ATOMIC_SEQ_CST);
}

static void wait_idle(struct mv_netswitch *sw)
{
	WAIT_FOR(idle(sw), 10);
}

/* The switch is busy: the test holds its lock (no info calls then). */
static struct mv_netswitch *held;

static void hold(struct mv_netswitch *sw)
{
	tlock(&sw->lock);
	held = sw;
}

static void release(void)
{
	tunlock(&held->lock);
	held = NULL;
}

/* The switch thread asleep and staying so: queued frames stay queued. */
static void freeze(struct mv_netswitch *sw)
{
	__atomic_store_n(&frozen, 1, __ATOMIC_SEQ_CST);
	WAIT_FOR(wq_sleepers(sw->wq) == 1, 10);
}

static unsigned long delivered_since(const unsigned long *before)
{
	unsigned long n = 0;

	for (unsigned int i = 0; i < NREC; i++)
		n += frames(&recs[i]) - before[i];
	return n;
}

/* A port announces its MAC (a flood the others get), then all is quiet. */
static void announce(struct mv_netswitch *sw, struct rec *r,
		     unsigned int others)
{
	uint8_t f[MINLEN] = { 0 };
	unsigned long before[NREC];

	for (unsigned int i = 0; i < NREC; i++)
		before[i] = frames(&recs[i]);
	build(f, bcast_mac, r, T_OTHER, 0, true);
	tx(r, f, sizeof(f), NULL);
	WAIT_FOR(delivered_since(before) >= others, 5);
	wait_idle(sw);
	CHECK_EQ(delivered_since(before), others);
}

/* --- Switches from device tree nodes ---------------------------------- */

struct tdev {
	struct mv_device dev;
	char path[96];
	uint8_t fdt[512];
	bool bound;
};

static struct tdev tdevs[16];
static unsigned int ntdevs;

/* Probe a node at path, with ageing-time-ms unless ageing_ms < 0. */
static int probe(const char *path, long ageing_ms)
{
	struct tdev *d;
	int off, rc;

	CHECK_LT(ntdevs, MV_ARRAY_SIZE(tdevs));
	d = &tdevs[ntdevs++];
	memset(d, 0, sizeof(*d));
	snprintf(d->path, sizeof(d->path), "%s", path);
	CHECK_EQ(fdt_create_empty_tree(d->fdt, sizeof(d->fdt)), 0);
	off = fdt_add_subnode(d->fdt, 0, "netswitches");
	CHECK(off >= 0);
	off = fdt_add_subnode(d->fdt, off, "bridge");
	CHECK(off >= 0);
	if (ageing_ms >= 0)
		CHECK_EQ(fdt_setprop_u32(d->fdt, off, "ageing-time-ms",
					 (uint32_t)ageing_ms), 0);
	d->dev.path = d->path;
	d->dev.compatible = "modvisor,bridge";
	d->dev.irq = -1;
	d->dev.node.fdt = d->fdt;
	d->dev.node.offset = off;
	rc = bridge_ops.probe(&d->dev);
	d->bound = !rc;
	return rc;
}

static struct mv_netswitch *br0(long ageing_ms)
{
	struct mv_netswitch *sw;

	CHECK_EQ(probe("/netswitches/br0", ageing_ms), 0);
	sw = mv_netswitch_find("br0");
	CHECK(sw);
	return sw;
}

static void *remover(void *arg)
{
	bridge_ops.remove(arg);
	return NULL;
}

/* bridge_remove, which waits for the switch thread: bounded. */
static void unbind(struct tdev *d)
{
	struct timespec ts;
	pthread_t t;

	if (pthread_create(&t, NULL, remover, &d->dev)) {
		fprintf(stderr, "FAIL %s: no thread for bridge_remove\n",
			mv_test_name);
		_exit(1);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	if (pthread_timedjoin_np(t, NULL, &ts)) {
		fprintf(stderr, "FAIL %s: bridge_remove hangs\n",
			mv_test_name);
		_exit(1);
	}
	d->bound = false;
}

/* Undo what a test left, failed or not; the number of threads stuck. */
static int cleanup(void)
{
	int stuck = 0;

	if (held)
		release();
	thaw();
	fail_allocs = -1;
	fail_threads = false;
	for (unsigned int i = 0; i < NREC; i++)
		if (recs[i].port)
			remove_port(&recs[i]);
	for (unsigned int i = 0; i < ntdevs; i++)
		if (tdevs[i].bound)
			unbind(&tdevs[i]);
	ntdevs = 0;
	for (unsigned int i = 0; i < MV_ARRAY_SIZE(hthreads); i++) {
		struct timespec ts;

		if (!hthreads[i].used)
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 10;
		if (pthread_timedjoin_np(hthreads[i].t, NULL, &ts))
			stuck++;
		else
			hthreads[i].used = false;
	}
	return stuck;
}

static long alloc_base;

static void setup(void)
{
	memset(recs, 0, sizeof(recs));
	clock_ns = 1000 * SEC;
	overlaps = 0;
	irq_mismatch = 0;
	alloc_base = __atomic_load_n(&live_allocs, __ATOMIC_SEQ_CST);
}

static void teardown(void)
{
	cleanup();
}

/* End of a test: switches gone, threads joined, nothing left allocated. */
static void finish(void)
{
	CHECK_EQ(cleanup(), 0);
	CHECK_EQ(mv_netswitch_count(), 0);
	CHECK_EQ(live_allocs, alloc_base);
	CHECK_EQ(overlaps, 0);
	CHECK_EQ(irq_mismatch, 0);
}

/* --- Probe -------------------------------------------------------------- */

static void test_probe(void)
{
	static const char *const sorted[] = {
		"a0", "abcdefghijklmnopqrstuvwxyz01234", "br0", "br1", "zz",
	};
	struct mv_netswitch_info in;
	struct mv_netswitch *sw;
	long allocs;
	int rc;

	CHECK_EQ(mv_netswitch_count(), 0);
	CHECK_EQ(probe("/netswitches/br0", 1234), 0);
	sw = mv_netswitch_find("br0");
	CHECK(sw);
	CHECK(tdevs[0].dev.priv == sw);
	CHECK(strstr(mv_host_log_last(),
		     "netswitch: br0: learning bridge, ageing 1234 ms"));
	CHECK_EQ(mv_netswitch_count(), 1);
	in = swinfo("br0");
	CHECK_EQ(strcmp(in.name, "br0"), 0);
	CHECK_EQ(in.ageing_ms, 1234);
	CHECK_EQ(in.ports, 0);
	CHECK_EQ(in.max_ports, MAX_PORTS);
	CHECK_EQ(in.mac_capacity, 1024);
	CHECK_EQ(in.macs + in.flooded + in.forwarded + in.filtered, 0);
	/* The unit address is not part of the name; the default ageing. */
	CHECK_EQ(probe("/netswitches/br1@0", -1), 0);
	CHECK(mv_netswitch_find("br1"));
	CHECK(!mv_netswitch_find("br1@0"));
	CHECK_EQ(swinfo("br1").ageing_ms, 300000);
	/* The same name again, by another node. */
	CHECK_LOGS_ERROR("netswitch: /netswitches/br0@1: a switch named br0 "
			 "exists", rc = probe("/netswitches/br0@1", 77));
	CHECK_EQ(rc, -MV_EINVAL);
	CHECK_EQ(swinfo("br0").ageing_ms, 1234);
	/* Names empty or too long for MV_NETSWITCH_NAME_MAX. */
	CHECK_LOGS_ERROR("netswitch: /netswitches/: bad switch name",
			 rc = probe("/netswitches/", -1));
	CHECK_EQ(rc, -MV_EINVAL);
	CHECK_LOGS_ERROR("netswitch: /netswitches/@2: bad switch name",
			 rc = probe("/netswitches/@2", -1));
	CHECK_EQ(rc, -MV_EINVAL);
	CHECK_LOGS_ERROR("netswitch: /netswitches/abcdefghijklmnopqrstuvwxyz"
			 "012345: bad switch name",
			 rc = probe("/netswitches/abcdefghijklmnopqrstuvwxyz"
				    "012345", -1));
	CHECK_EQ(rc, -MV_EINVAL);
	/* An ageing time of 0 would never learn a MAC. */
	CHECK_LOGS_ERROR("netswitch: /netswitches/br3: ageing-time-ms is 0",
			 rc = probe("/netswitches/br3", 0));
	CHECK_EQ(rc, -MV_EINVAL);
	CHECK_EQ(mv_netswitch_count(), 2);
	/* One shorter fits; listed sorted by name whatever the order. */
	CHECK_EQ(probe("/netswitches/abcdefghijklmnopqrstuvwxyz01234@9", -1),
		 0);
	CHECK_EQ(probe("/zz", 5), 0);
	CHECK_EQ(probe("/other/a0", -1), 0);
	CHECK_EQ(mv_netswitch_count(), MV_ARRAY_SIZE(sorted));
	for (unsigned int i = 0; i < MV_ARRAY_SIZE(sorted); i++) {
		CHECK_EQ(mv_netswitch_info_at(i, &in), 0);
		CHECK_EQ(strcmp(in.name, sorted[i]), 0);
	}
	CHECK_EQ(in.ageing_ms, 5);
	CHECK_EQ(mv_netswitch_info_at(MV_ARRAY_SIZE(sorted), &in),
		 -MV_ENOENT);
	/* Unknown names. */
	CHECK(!mv_netswitch_find("br"));
	CHECK_EQ(mv_netswitch_info("br", &in), -MV_ENOENT);
	CHECK_EQ(mv_netport_info_at("br", 0, NULL), -MV_ENOENT);
	CHECK_EQ(mv_netport_info_at("br0", 0, NULL), -MV_ENOENT);
	/* The ageing time, changed. */
	CHECK_EQ(mv_netswitch_set_ageing("br1", 0), -MV_EINVAL);
	CHECK_EQ(mv_netswitch_set_ageing("br1", 1000000000001ull),
		 -MV_EINVAL);
	CHECK_EQ(mv_netswitch_set_ageing("br", 5), -MV_ENOENT);
	CHECK_EQ(mv_netswitch_set_ageing("br1", 1000000000000ull), 0);
	CHECK_EQ(swinfo("br1").ageing_ms, 1000000000000ull);
	CHECK_EQ(mv_netswitch_set_ageing("br1", 4500), 0);
	CHECK_EQ(swinfo("br1").ageing_ms, 4500);
	/* Out of memory, no thread: not listed, nothing kept. */
	allocs = live_allocs;
	fail_allocs = 0;		/* the switch */
	CHECK_EQ(probe("/netswitches/br7", -1), -MV_ENOMEM);
	fail_allocs = 1;		/* its wait queue */
	CHECK_EQ(probe("/netswitches/br8", -1), -MV_ENOMEM);
	fail_threads = true;
	CHECK_EQ(probe("/netswitches/br9", -1), -MV_ENOMEM);
	fail_threads = false;
	CHECK_EQ(live_allocs, allocs);
	CHECK(!mv_netswitch_find("br7") && !mv_netswitch_find("br8") &&
	      !mv_netswitch_find("br9"));
	CHECK_EQ(mv_netswitch_count(), MV_ARRAY_SIZE(sorted));
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 0);
	finish();
}

/* --- Ports -------------------------------------------------------------- */

static void test_ports(void)
{
	struct mv_netswitch *sw = br0(-1);
	struct mv_netport_info in;
	struct mv_netport *p;
	struct rec *a, *b, *c, *r;
	char name[16], longname[MV_NETPORT_NAME_MAX + 20];
	long allocs;

	/* TSO without checksum offload: nothing; unknown bits: gone. */
	a = add_port(sw, 0, "a", MV_NETPORT_TSO4);
	CHECK(strstr(mv_host_log_last(), "netswitch: br0: port a added"));
	b = add_port(sw, 1, "b", MV_NETPORT_CSUM | MV_NETPORT_TSO4);
	c = add_port(sw, 2, "c", MV_NETPORT_CSUM | MV_NETPORT_TSO4 |
		     MV_NETPORT_TSO6 | 0x80);
	CHECK_EQ(pinfo(a).offloads, 0);
	CHECK_EQ(pinfo(b).offloads, MV_NETPORT_CSUM | MV_NETPORT_TSO4);
	CHECK_EQ(pinfo(c).offloads, MV_NETPORT_CSUM | MV_NETPORT_TSO4 |
		 MV_NETPORT_TSO6);
	mv_netport_set_offloads(b->port, MV_NETPORT_TSO6);
	CHECK_EQ(pinfo(b).offloads, 0);
	mv_netport_set_offloads(b->port, MV_NETPORT_CSUM | MV_NETPORT_TSO6 |
				0x100);
	CHECK_EQ(pinfo(b).offloads, MV_NETPORT_CSUM | MV_NETPORT_TSO6);
	/* Listed in slot order, zeroed. */
	for (unsigned int i = 0; i < 3; i++) {
		CHECK_EQ(mv_netport_info_at("br0", i, &in), 0);
		CHECK_EQ(strcmp(in.name, recs[i].name), 0);
		CHECK_EQ(in.rx_frames + in.tx_frames + in.drops + in.direct +
			 in.bad_meta + in.segmented + in.macs, 0);
	}
	CHECK_EQ(mv_netport_info_at("br0", 3, &in), -MV_ENOENT);
	CHECK_EQ(swinfo("br0").ports, 3);
	/* A frame the port could not take counts in its drops alone. */
	mv_netport_drop(b->port);
	mv_netport_drop(b->port);
	mv_netport_drop(NULL);
	CHECK_EQ(pinfo(b).drops, 2);
	CHECK_EQ(pinfo(a).drops, 0);
	/* No switch, no deliver: refused. */
	CHECK(!mv_netport_add(NULL, "x", 0, deliver, &recs[39]));
	CHECK(!mv_netport_add(sw, "x", 0, NULL, &recs[39]));
	/* A port without a name, one with too long a name. */
	recs[3].port = mv_netport_add(sw, NULL, 0, deliver, &recs[3]);
	CHECK(recs[3].port);
	snprintf(recs[3].sw, sizeof(recs[3].sw), "br0");
	snprintf(recs[3].name, sizeof(recs[3].name), "?");
	CHECK_EQ(pinfo(&recs[3]).offloads, 0);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	add_port(sw, 4, longname, 0);
	CHECK_EQ(strlen(recs[4].name), MV_NETPORT_NAME_MAX - 1);
	CHECK_EQ(mv_netport_info_at("br0", 4, &in), 0);
	CHECK_EQ(strcmp(in.name, recs[4].name), 0);
	/* Up to 32 ports; the 33rd is refused, named, nothing kept. */
	for (unsigned int i = 5; i < MAX_PORTS; i++) {
		snprintf(name, sizeof(name), "p%u", i);
		add_port(sw, i, name, 0);
	}
	CHECK_EQ(swinfo("br0").ports, MAX_PORTS);
	allocs = live_allocs;
	CHECK_LOGS_ERROR("netswitch: br0: no room for port p32 (32 ports)",
			 p = mv_netport_add(sw, "p32", 0, deliver, &recs[32]));
	CHECK(!p);
	CHECK_EQ(live_allocs, allocs);
	CHECK_EQ(swinfo("br0").ports, MAX_PORTS);
	CHECK_EQ(mv_netport_info_at("br0", MAX_PORTS, &in), -MV_ENOENT);
	/* A removed slot is free again, for a port of a new generation. */
	CHECK_EQ(recs[5].port->slot, 5);
	remove_port(&recs[5]);
	CHECK(strstr(mv_host_log_last(), "netswitch: br0: port p5 removed"));
	CHECK_EQ(swinfo("br0").ports, MAX_PORTS - 1);
	CHECK_EQ(mv_netport_info_at("br0", 5, &in), 0);
	CHECK_EQ(strcmp(in.name, "p6"), 0);
	fail_allocs = 0;
	CHECK_LOGS_ERROR("netswitch: br0: no memory for port q",
			 p = mv_netport_add(sw, "q", 0, deliver, &recs[33]));
	CHECK(!p);
	r = add_port(sw, 33, "p5b", MV_NETPORT_CSUM);
	CHECK_EQ(r->port->slot, 5);
	CHECK_EQ(r->port->gen, 1);
	CHECK_EQ(mv_netport_info_at("br0", 5, &in), 0);
	CHECK_EQ(strcmp(in.name, "p5b"), 0);
	CHECK_EQ(in.offloads, MV_NETPORT_CSUM);
	CHECK_EQ(swinfo("br0").ports, MAX_PORTS);
	CHECK_LOGS_ERROR("netswitch: br0: no room for port p33",
			 p = mv_netport_add(sw, "p33", 0, deliver, &recs[34]));
	CHECK(!p);
	/* Removing a NULL port is harmless. */
	mv_netport_remove(NULL);
	finish();
}

/* --- Floods ------------------------------------------------------------- */

static void test_flood(void)
{
	struct mv_netswitch *sw = br0(-1);
	struct mv_netswitch_info si;
	struct mv_netport_info in;
	struct rec *a = add_port(sw, 0, "a", 0);
	struct rec *b = add_port(sw, 1, "b", 0);
	struct rec *c = add_port(sw, 2, "c", MV_NETPORT_CSUM);
	struct rec *d = add_port(sw, 3, "d", 0);
	uint8_t f[MINLEN] = { 0 };

	/* Broadcast: the others get it from the thread, A never. */
	build(f, bcast_mac, a, T_DATA, 7, true);
	tx(a, f, sizeof(f), NULL);
	WAIT_FOR(frames(b) == 1 && frames(c) == 1 && frames(d) == 1, 5);
	wait_idle(sw);
	CHECK_EQ(frames(a), 0);
	for (unsigned int i = 1; i <= 3; i++) {
		struct rec *r = &recs[i];

		CHECK_EQ(r->sync, 0);
		CHECK_EQ(r->async, 1);
		CHECK(!pthread_equal(r->last_tid, pthread_self()));
		CHECK_EQ(r->last_len, sizeof(f));
		CHECK_EQ(memcmp(r->last, f, sizeof(f)), 0);
		CHECK_EQ(r->last_meta.flags + r->last_meta.gso_type, 0);
		CHECK_EQ(r->from_b[a->id], 1);
		in = pinfo(r);
		CHECK_EQ(in.tx_frames, 1);
		CHECK_EQ(in.tx_bytes, sizeof(f));
		CHECK_EQ(in.rx_frames + in.direct + in.macs, 0);
	}
	in = pinfo(a);
	CHECK_EQ(in.rx_frames, 1);
	CHECK_EQ(in.rx_bytes, sizeof(f));
	CHECK_EQ(in.tx_frames, 0);
	CHECK_EQ(in.direct, 0);
	CHECK_EQ(in.drops, 0);
	CHECK_EQ(in.macs, 1);
	si = swinfo("br0");
	CHECK_EQ(si.flooded, 1);
	CHECK_EQ(si.forwarded, 0);
	CHECK_EQ(si.macs, 1);
	/* To a MAC nobody has: flooded too, never on the direct path. */
	build(f, recs[30].mac, b, T_DATA, 1, false);
	tx(b, f, sizeof(f), NULL);
	WAIT_FOR(frames(a) == 1 && frames(c) == 2 && frames(d) == 2, 5);
	wait_idle(sw);
	CHECK_EQ(frames(b), 1);
	CHECK_EQ(a->sync + c->sync + d->sync, 0);
	CHECK_EQ(pinfo(b).direct, 0);
	/* Multicast: the same, even from a learned sender. */
	build(f, recs[30].mac, a, T_DATA, 8, false);
	f[0] = 0x01;
	tx(a, f, sizeof(f), NULL);
	WAIT_FOR(frames(b) == 2 && frames(c) == 3 && frames(d) == 3, 5);
	wait_idle(sw);
	CHECK_EQ(frames(a), 1);
	CHECK_EQ(pinfo(a).direct, 0);
	CHECK_EQ(pinfo(a).rx_frames, 2);
	CHECK_EQ(swinfo("br0").flooded, 3);
	finish();
}

/* --- The direct path ---------------------------------------------------- */

static void test_direct(void)
{
	struct mv_netswitch *sw = br0(-1);
	struct rec *a = add_port(sw, 0, "a", 0);
	struct rec *b = add_port(sw, 1, "b", 0);
	struct rec *c = add_port(sw, 2, "c", 0);
	struct mv_netmeta m = { .flags = MV_NETMETA_DATA_VALID };
	struct mv_netport_info in;
	uint8_t f[64] = { 0 };

	announce(sw, b, 2);
	CHECK_EQ(frames(c), 1);
	/* A to B, learned: delivered before send returns, on our thread. */
	build(f, b->mac, a, T_DATA, 1, false);
	tx(a, f, sizeof(f), NULL);
	CHECK_EQ(frames(b), 1);
	CHECK_EQ(b->sync, 1);
	CHECK_EQ(b->async, 0);
	CHECK_EQ(b->irq_on, 0);		/* with "interrupts" masked */
	CHECK(pthread_equal(b->last_tid, pthread_self()));
	CHECK_EQ(b->from_u[a->id], 1);
	CHECK_EQ(b->last_seq[a->id], 1);
	CHECK_EQ(b->last_len, sizeof(f));
	/* A copy: the switch's, not the sender's buffer. */
	CHECK(b->last_ptr != (const void *)f);
	CHECK(b->last_ptr == (const void *)sw->frame);
	memset(f + F_ID, 0xee, sizeof(f) - F_ID);
	CHECK_EQ(b->last[F_SEQ + 3], 1);
	CHECK_EQ(frames(c), 1);
	in = pinfo(a);
	CHECK_EQ(in.direct, 1);
	CHECK_EQ(in.rx_frames, 1);
	CHECK_EQ(in.rx_bytes, sizeof(f));
	CHECK_EQ(in.macs, 1);		/* learned on the direct path */
	in = pinfo(b);
	CHECK_EQ(in.direct, 0);
	CHECK_EQ(in.tx_frames, 1);
	CHECK_EQ(swinfo("br0").forwarded, 1);
	/* So B to A is direct too. */
	tx_to(b, a, 2);
	CHECK_EQ(frames(a), 2);
	CHECK_EQ(a->sync, 1);
	CHECK_EQ(pinfo(b).direct, 1);
	/* Metadata a sender may not set is cleared on the way. */
	build(f, b->mac, a, T_DATA, 3, false);
	tx(a, f, sizeof(f), &m);
	CHECK_EQ(frames(b), 2);
	CHECK_EQ(b->last_meta.flags, 0);
	CHECK_EQ(pinfo(a).direct, 2);
	/* Too short for a header: never direct, dropped by the core. */
	tx(a, f, NS_ETH_HLEN - 1, NULL);
	WAIT_FOR(pinfo(a).drops == 1, 5);
	CHECK_EQ(pinfo(a).direct, 2);
	CHECK_EQ(frames(b), 2);
	wait_idle(sw);
	CHECK_EQ(b->order_errors + a->order_errors + b->bad + a->bad, 0);
	finish();
}

/* Ageing-time-ms, on the module's clock: an aged-out MAC is flooded. */
static void test_ageing(void)
{
	struct mv_netswitch *sw = br0(1000);
	struct rec *a = add_port(sw, 0, "a", 0);
	struct rec *b = add_port(sw, 1, "b", 0);
	struct rec *c = add_port(sw, 2, "c", 0);

	announce(sw, b, 2);
	advance(999 * MS);
	tx_to(a, b, 1);
	CHECK_EQ(b->sync, 1);
	CHECK_EQ(pinfo(b).macs, 1);
	advance(1 * MS);		/* B last seen 1000 ms ago */
	CHECK_EQ(pinfo(b).macs, 0);
	tx_to(a, b, 2);
	CHECK_EQ(b->sync, 1);
	WAIT_FOR(frames(b) == 2 && frames(c) == 2, 5);
	CHECK_EQ(b->async, 1);
	CHECK_EQ(c->from_u[a->id], 1);
	CHECK_EQ(pinfo(a).direct, 1);
	CHECK_EQ(swinfo("br0").macs, 1);	/* A, seen just now */
	/* A longer time, set at run time, applies at once. */
	CHECK_EQ(mv_netswitch_set_ageing("br0", 5000), 0);
	announce(sw, b, 2);
	advance(4999 * MS);
	tx_to(a, b, 3);
	CHECK_EQ(b->sync, 2);
	CHECK_EQ(pinfo(a).direct, 2);
	finish();
}

/* --- A busy switch queues ----------------------------------------------- */

static void test_queued(void)
{
	struct mv_netswitch *sw = br0(-1);
	struct rec *a = add_port(sw, 0, "a", 0);
	struct rec *b = add_port(sw, 1, "b", 0);
	uint8_t f[MINLEN] = { 0 };

	announce(sw, b, 1);
	/* The lock taken (the switch busy): queued, not delivered. */
	hold(sw);
	for (uint32_t i = 0; i < 10; i++) {
		build(f, b->mac, a, T_DATA, i, false);
		tx(a, f, sizeof(f), NULL);
		CHECK_EQ(frames(b), 0);
		/* The sender reuses its buffer at once: queued a copy. */
		memset(f + F_ID, 0xff, 6);
	}
	CHECK_EQ(sw->enq - sw->deq, 10);
	release();
	/* The thread delivers all of them, in order. */
	WAIT_FOR(frames(b) == 10, 5);
	CHECK_EQ(b->async, 10);
	CHECK_EQ(b->sync, 0);
	CHECK_EQ(b->from_u[a->id], 10);
	CHECK_EQ(b->last_seq[a->id], 9);
	CHECK_EQ(b->order_errors, 0);
	wait_idle(sw);
	CHECK_EQ(pinfo(a).direct, 0);
	CHECK_EQ(pinfo(a).rx_frames, 10);
	CHECK_EQ(sw->qbytes, 0);
	/* Lock free, but a frame already queued: the next one queues too. */
	freeze(sw);
	hold(sw);
	tx_to(a, b, 10);
	release();
	tx_to(a, b, 11);
	CHECK_EQ(frames(b), 10);
	CHECK_EQ(sw->enq - sw->deq, 2);
	thaw();
	WAIT_FOR(frames(b) == 12, 5);
	CHECK_EQ(b->order_errors, 0);
	CHECK_EQ(b->last_seq[a->id], 11);
	CHECK_EQ(b->async, 12);
	wait_idle(sw);
	CHECK_EQ(pinfo(a).direct, 0);
	/* Drained: direct again. */
	tx_to(a, b, 12);
	CHECK_EQ(frames(b), 13);
	CHECK_EQ(b->sync, 1);
	CHECK_EQ(pinfo(a).direct, 1);
	CHECK_EQ(b->order_errors, 0);
	/*
	 * A sender that has taken a slot and not filled it yet (preempted
	 * in q_put, say) leaves the head empty: the next frame must queue
	 * behind it all the same, not overtake it.
	 */
	freeze(sw);
	{
		uint64_t pos = sw->enq;
		struct qframe *f = mv_malloc(sizeof(*f) + MINLEN);

		CHECK(f != NULL);
		sw->enq = pos + 1;
		tx_to(a, b, 14);
		CHECK_EQ(frames(b), 13);
		CHECK_EQ(pinfo(a).direct, 1);
		/* Now it fills the slot: a's frame 13. */
		memset(f, 0, sizeof(*f) + MINLEN);
		f->slot = a->port->slot;
		f->gen = a->port->gen;
		f->len = MINLEN;
		build(f->data, b->mac, a, T_DATA, 13, false);
		__atomic_add_fetch(&sw->qbytes, MINLEN, __ATOMIC_RELAXED);
		sw->q[pos & (QLEN - 1)].f = f;
		__atomic_store_n(&sw->q[pos & (QLEN - 1)].seq, pos + 1,
				 __ATOMIC_RELEASE);
	}
	thaw();
	WAIT_FOR(frames(b) == 15, 5);
	CHECK_EQ(b->last_seq[a->id], 14);
	CHECK_EQ(b->order_errors, 0);
	wait_idle(sw);
	CHECK_EQ(sw->qbytes, 0);
	finish();
}

/* --- Bounds ------------------------------------------------------------- */

static uint8_t big[MV_NETFRAME_MAX + 1];

static void test_bounds(void)
{
	struct mv_netswitch *sw = br0(-1);
	struct rec *a = add_port(sw, 0, "a", 0);
	struct rec *b = add_port(sw, 1, "b", 0);
	const unsigned int fit = QBYTES_MAX / MV_NETFRAME_MAX;
	unsigned long sent = 0, drops = 0, want = 0;
	uint64_t bytes = 0;
	uint32_t seq = 0;
	size_t room;

	announce(sw, b, 1);
	/* QLEN frames queue; the rest are counted as drops. */
	hold(sw);
	for (unsigned int i = 0; i < QLEN + 76; i++, sent++)
		tx_to(a, b, seq++);
	CHECK_EQ(a->port->queue_drops, 76);
	CHECK_EQ(sw->enq - sw->deq, QLEN);
	CHECK_EQ(sw->qbytes, QLEN * MINLEN);
	release();
	WAIT_FOR(frames(b) == QLEN, 10);
	wait_idle(sw);
	CHECK_EQ(b->last_seq[a->id], QLEN - 1);	/* the first ones */
	CHECK_EQ(b->order_errors, 0);
	CHECK_EQ(pinfo(a).drops, 76);
	CHECK_EQ(pinfo(a).rx_frames, QLEN);
	CHECK_EQ(sw->qbytes, 0);
	/* No memory for the copy: dropped, its bytes given back. */
	hold(sw);
	fail_allocs = 0;
	tx_to(a, b, seq++);
	sent++;
	CHECK_EQ(a->port->queue_drops, 77);
	CHECK_EQ(sw->qbytes, 0);
	/* At most QBYTES_MAX bytes queued: largest frames. */
	for (unsigned int i = 0; i < fit + 50; i++, sent++) {
		build(big, b->mac, a, T_DATA, seq++, false);
		tx(a, big, MV_NETFRAME_MAX, NULL);
	}
	CHECK_EQ(a->port->queue_drops, 77 + 50);
	CHECK_EQ(sw->qbytes, (uint64_t)fit * MV_NETFRAME_MAX);
	bytes += (uint64_t)fit * MV_NETFRAME_MAX;
	/* Small ones still fit, up to QBYTES_MAX exactly. */
	tx_to(a, b, seq++);
	sent++;
	bytes += MINLEN;
	room = QBYTES_MAX - sw->qbytes;
	CHECK_LE(room, MV_NETFRAME_MAX);
	build(big, b->mac, a, T_DATA, seq++, false);
	tx(a, big, room + 1, NULL);
	sent++;
	CHECK_EQ(a->port->queue_drops, 78 + 50);
	build(big, b->mac, a, T_DATA, seq++, false);
	tx(a, big, room, NULL);
	sent++;
	bytes += room;
	CHECK_EQ(sw->qbytes, QBYTES_MAX);
	tx_to(a, b, seq++);
	sent++;
	/* Longer than a frame may be. */
	build(big, b->mac, a, T_DATA, seq++, false);
	tx(a, big, MV_NETFRAME_MAX + 1, NULL);
	sent++;
	CHECK_EQ(a->port->queue_drops, 80 + 50);
	CHECK_EQ(sw->enq - sw->deq, fit + 2);
	release();
	want = QLEN + fit + 2;
	WAIT_FOR(frames(b) == want, 10);
	wait_idle(sw);
	CHECK_EQ(b->order_errors, 0);
	CHECK_EQ(b->bytes - QLEN * MINLEN, bytes);
	CHECK_EQ(b->last_len, room);
	CHECK_EQ(sw->qbytes, 0);
	drops = pinfo(a).drops;
	CHECK_EQ(drops, 130);
	CHECK_EQ(frames(b) + drops, sent);
	CHECK_EQ(pinfo(a).rx_frames, want);
	CHECK_EQ(pinfo(b).tx_frames, want);
	/* Too long is dropped with the switch idle too. */
	tx(a, big, MV_NETFRAME_MAX + 1, NULL);
	CHECK_EQ(pinfo(a).drops, drops + 1);
	CHECK_EQ(sw->enq - sw->deq, 0);
	CHECK_EQ(frames(b), want);
	/* Everything queued was freed on the way. */
	CHECK_EQ(live_allocs, alloc_base + 4);	/* sw, wq, 2 ports */
	finish();
}

/* --- Offload metadata --------------------------------------------------- */

/* Ethernet, IPv4, TCP, then plen bytes: a GSO frame of mss segments. */
static size_t tcp_frame(uint8_t *f, const struct rec *to,
			const struct rec *from, size_t plen)
{
	size_t len = 54 + plen;

	memset(f, 0, len);
	memcpy(f, to->mac, 6);
	memcpy(f + 6, from->mac, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)((len - 14) >> 8);
	f[17] = (uint8_t)(len - 14);
	f[20] = 0x40;			/* DF */
	f[22] = 64;
	f[23] = 6;
	f[26] = 10;
	f[29] = 1;
	f[30] = 10;
	f[33] = 2;
	f[34 + 12] = 5 << 4;
	f[34 + 13] = 0x18;
	for (size_t i = 54; i < len; i++)
		f[i] = (uint8_t)i;
	return len;
}

static void test_offload_meta(void)
{
	struct mv_netswitch *sw = br0(-1);
	struct rec *a = add_port(sw, 0, "a", 0);
	struct rec *b = add_port(sw, 1, "b", 0);
	struct rec *c = add_port(sw, 2, "c", MV_NETPORT_CSUM |
				 MV_NETPORT_TSO4);
	struct mv_netmeta m = {
		.flags = MV_NETMETA_NEEDS_CSUM,
		.gso_type = MV_NETMETA_GSO_TCPV4,
		.hdr_len = 60,		/* a hint, corrected */
		.gso_size = 100,
		.csum_start = 34,
		.csum_offset = 16,
	};
	uint8_t f[400];
	size_t len;

	announce(sw, b, 2);
	announce(sw, c, 2);
	/* To B, no offloads: cut in three on the direct path. */
	len = tcp_frame(f, b, a, 300);
	tx(a, f, len, &m);
	CHECK_EQ(frames(b), 4);
	CHECK_EQ(b->sync, 3);
	CHECK_EQ(b->last_len, 54 + 100);
	CHECK_EQ(b->last_meta.gso_type, MV_NETMETA_GSO_NONE);
	CHECK_EQ(pinfo(b).segmented, 1);
	CHECK_EQ(pinfo(b).tx_frames, 2);
	/* To C, TSO: whole, metadata normalised; through the queue too. */
	len = tcp_frame(f, c, a, 300);
	tx(a, f, len, &m);
	CHECK_EQ(frames(c), 2);
	CHECK_EQ(c->sync, 1);
	CHECK_EQ(c->last_len, len);
	CHECK_EQ(c->last_meta.gso_type, MV_NETMETA_GSO_TCPV4);
	CHECK_EQ(c->last_meta.hdr_len, 54);
	CHECK_EQ(c->last_meta.gso_size, 100);
	hold(sw);
	tx(a, f, len, &m);
	memset(&m, 0, sizeof(m));	/* the sender's copy, changed */
	release();
	WAIT_FOR(frames(c) == 3, 5);
	CHECK_EQ(c->async, 2);
	CHECK_EQ(c->last_meta.gso_type, MV_NETMETA_GSO_TCPV4);
	CHECK_EQ(c->last_meta.hdr_len, 54);
	CHECK_EQ(c->last_meta.flags, MV_NETMETA_NEEDS_CSUM);
	CHECK_EQ(pinfo(c).segmented, 0);
	CHECK_EQ(pinfo(a).bad_meta, 0);
	CHECK_EQ(pinfo(a).drops, 0);
	finish();
}

static void test_bad_meta(void)
{
	struct mv_netswitch *sw = br0(-1);
	struct rec *a = add_port(sw, 0, "a-port", 0);
	struct rec *b = add_port(sw, 1, "b", 0);
	struct rec *c = add_port(sw, 2, "c", 0);
	struct mv_netmeta bad = {
		.flags = MV_NETMETA_NEEDS_CSUM,
		.gso_type = MV_NETMETA_GSO_TCPV4,
		.hdr_len = 5000,
		.gso_size = 1448,
		.csum_start = 34,
		.csum_offset = 16,
	};
	uint8_t f[MINLEN] = { 0 };
	struct mv_netport_info in;
	unsigned int warns;

	announce(sw, b, 2);
	warns = mv_host_log_count(MV_LOG_WARN);
	/* Dropped, counted, warned about, naming the port and why. */
	build(f, b->mac, a, T_DATA, 1, false);
	tx(a, f, sizeof(f), &bad);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), warns + 1);
	CHECK(strstr(mv_host_log_last(), "netswitch: br0: port a-port: bad "
		     "offload metadata (hdr_len beyond the frame"));
	CHECK(strstr(mv_host_log_last(), "(0 more since the last warning)"));
	CHECK_EQ(frames(b), 0);
	in = pinfo(a);
	CHECK_EQ(in.bad_meta, 1);
	CHECK_EQ(in.drops, 1);
	CHECK_EQ(in.rx_frames, 0);
	/* Right after: counted, not logged; through the thread as well. */
	tx(a, f, sizeof(f), &bad);
	build(f, bcast_mac, a, T_DATA, 2, true);
	tx(a, f, sizeof(f), &bad);
	WAIT_FOR(pinfo(a).bad_meta == 3, 5);
	wait_idle(sw);
	CHECK_EQ(pinfo(a).drops, 3);
	CHECK_EQ(frames(b) + frames(c), 1);	/* B's announcement */
	advance(WARN_EVERY_NS - 1);
	build(f, b->mac, a, T_DATA, 3, false);
	tx(a, f, sizeof(f), &bad);
	CHECK_EQ(pinfo(a).bad_meta, 4);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), warns + 1);
	/* 10 s on: logged again, with how many were not. */
	advance(1);
	tx(a, f, sizeof(f), &bad);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), warns + 2);
	CHECK(strstr(mv_host_log_last(), "port a-port: bad offload metadata"));
	CHECK(strstr(mv_host_log_last(), "(3 more since the last warning)"));
	/* The count starts again from there. */
	tx(a, f, sizeof(f), &bad);
	advance(WARN_EVERY_NS);
	tx(a, f, sizeof(f), &bad);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), warns + 3);
	CHECK(strstr(mv_host_log_last(), "(1 more since the last warning)"));
	/* Another port's first bad frame is logged at once. */
	build(f, b->mac, c, T_DATA, 1, false);
	tx(c, f, sizeof(f), &bad);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), warns + 4);
	CHECK(strstr(mv_host_log_last(), "port c: bad offload metadata"));
	/* Good frames still pass. */
	tx_to(a, b, 9);
	CHECK_EQ(frames(b), 1);
	CHECK_EQ(b->from_u[a->id], 1);
	in = pinfo(a);
	CHECK_EQ(in.bad_meta, 7);
	CHECK_EQ(in.drops, 7);
	CHECK_EQ(in.rx_frames, 1);
	CHECK_EQ(mv_host_log_count(MV_LOG_ERR), 0);
	finish();
}

/* --- Senders at once ---------------------------------------------------- */

#define SENDERS 4
#define CONC_FRAMES 20000

struct sender {
	struct mv_netswitch *sw;
	struct rec *self;
	struct rec *dst[SENDERS - 1];
	pthread_barrier_t *start;
	bool paced;
};

/*
 * Unicasts to the others in turn, a broadcast now and then. A paced
 * sender lets the queue drain first (as a guest waits for its ring), so
 * that frames go both ways, direct and queued; the other never waits:
 * the queue overflows now and then.
 */
static void *sender_main(void *arg)
{
	struct sender *s = arg;
	uint64_t deadline;
	uint8_t f[256];

	memset(f, 0, sizeof(f));
	pthread_barrier_wait(s->start);
	deadline = mono_ns() + 20 * SEC;
	for (uint32_t seq = 0; seq < CONC_FRAMES; seq++) {
		bool to_all = seq % 500 == 499;

		while (s->paced && mono_ns() < deadline &&
		       __atomic_load_n(&s->sw->enq, __ATOMIC_RELAXED) -
		       __atomic_load_n(&s->sw->deq, __ATOMIC_RELAXED) >
		       8)
			sched_yield();
		build(f, to_all ? bcast_mac : s->dst[seq % 3]->mac, s->self,
		      T_DATA, seq, to_all);
		tx(s->self, f, MINLEN + seq % 190, NULL);
	}
	return NULL;
}

static void test_concurrent(void)
{
	struct mv_netswitch *sw = br0(-1);
	struct sender snd[SENDERS];
	pthread_t t[SENDERS];
	pthread_barrier_t start;
	unsigned long direct = 0, queued = 0, dropped = 0;
	uint64_t t0;

	for (unsigned int i = 0; i < SENDERS; i++) {
		char name[8];

		snprintf(name, sizeof(name), "s%u", i);
		add_port(sw, i, name, 0);
	}
	for (unsigned int i = 0; i < SENDERS; i++)
		announce(sw, &recs[i], SENDERS - 1);
	pthread_barrier_init(&start, NULL, SENDERS);
	for (unsigned int i = 0; i < SENDERS; i++) {
		snd[i].sw = sw;
		snd[i].self = &recs[i];
		snd[i].paced = i != SENDERS - 1;
		for (unsigned int j = 0; j < SENDERS - 1; j++)
			snd[i].dst[j] = &recs[(i + 1 + j) % SENDERS];
		snd[i].start = &start;
	}
	t0 = mono_ns();
	for (unsigned int i = 0; i < SENDERS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, sender_main, &snd[i]), 0);
	for (unsigned int i = 0; i < SENDERS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);
	wait_idle(sw);
	for (unsigned int i = 0; i < SENDERS; i++) {
		struct mv_netport_info in = pinfo(&recs[i]);
		unsigned long uni = 0, all = recs[(i + 1) % SENDERS].from_b[i];
		unsigned long got = 0;

		for (unsigned int r = 0; r < SENDERS; r++) {
			uni += recs[r].from_u[i];
			if (r != i)
				CHECK_EQ(recs[r].from_b[i], all);
		}
		/* Each frame delivered once (broadcasts to all) or dropped. */
		CHECK_EQ(uni + all + in.drops, CONC_FRAMES);
		CHECK_EQ(in.rx_frames, CONC_FRAMES - in.drops + 1);
		CHECK_EQ(in.bad_meta, 0);
		for (unsigned int s = 0; s < SENDERS; s++)
			got += recs[i].from_u[s] + recs[i].from_b[s];
		CHECK_EQ(in.tx_frames, SENDERS - 1 + got);
		if (recs[i].order_errors)
			fprintf(stderr, "     %s got %lu out of order, first "
				"%s\n", recs[i].name, recs[i].order_errors,
				recs[i].first_error);
		CHECK_EQ(recs[i].order_errors, 0);
		CHECK_EQ(recs[i].bad, 0);
		direct += in.direct;
		queued += recs[i].async;
		dropped += in.drops;
	}
	CHECK_EQ(overlaps, 0);
	fprintf(stderr, "     %u x %u frames in %llu ms: %lu direct, %lu "
		"delivered by the thread, %lu dropped\n", SENDERS,
		CONC_FRAMES, (unsigned long long)(mono_ns() - t0) / MS, direct,
		queued, dropped);
	CHECK(direct > 0);
	CHECK(queued > 0);
	finish();
}

/* --- Removal ------------------------------------------------------------ */

static void test_remove(void)
{
	struct mv_netswitch *sw = br0(-1);
	struct rec *a = add_port(sw, 0, "a", 0);
	struct rec *b = add_port(sw, 1, "b", 0);
	struct rec *c = add_port(sw, 2, "c", 0);
	struct rec *b2;
	unsigned long b_frames, a_frames;

	announce(sw, a, 2);
	announce(sw, b, 2);
	announce(sw, c, 2);
	a_frames = frames(a);
	/* Frames by B and for B queued, then B removed. */
	freeze(sw);
	hold(sw);
	for (uint32_t i = 0; i < 5; i++) {
		tx_to(b, a, i);
		tx_to(a, b, i);
	}
	release();
	CHECK_EQ(sw->enq - sw->deq, 10);
	b_frames = frames(b);
	remove_port(b);
	CHECK_EQ(sw->enq - sw->deq, 10);
	/* A new port in B's slot, of another generation. */
	b2 = add_port(sw, 3, "b2", 0);
	CHECK_EQ(b2->port->slot, 1);
	CHECK_EQ(b2->port->gen, 1);
	thaw();
	wait_idle(sw);
	/* B's frames went nowhere, not even as B2's. */
	CHECK_EQ(frames(a), a_frames);
	CHECK_EQ(a->from_u[b->id], 0);
	CHECK_EQ(c->from_u[b->id] + b2->from_u[b->id], 0);
	CHECK_EQ(pinfo(b2).rx_frames, 0);
	CHECK_EQ(pinfo(b2).macs, 0);
	/* B got nothing more; frames to its MAC, now unknown, flood. */
	CHECK_EQ(frames(b), b_frames);
	CHECK_EQ(b->after_removal, 0);
	CHECK_EQ(c->from_u[a->id], 5);
	CHECK_EQ(b2->from_u[a->id], 5);
	CHECK_EQ(c->order_errors + b2->order_errors, 0);
	CHECK_EQ(pinfo(a).rx_frames, 1 + 5);
	/* The slot works for B2. */
	announce(sw, b2, 2);
	tx_to(a, b2, 100);
	CHECK_EQ(b2->sync, 1);
	CHECK_EQ(b2->last_seq[a->id], 100);
	/* Frames queued when all ports go, then the switch: freed. */
	freeze(sw);
	hold(sw);
	for (uint32_t i = 0; i < 200; i++)
		tx_to(a, c, 1000 + i);
	release();
	CHECK_EQ(sw->enq - sw->deq, 200);
	remove_port(a);
	remove_port(b2);
	remove_port(c);
	CHECK_EQ(mv_netswitch_count(), 1);
	/* Stopped while asleep: forwards one batch at most, then exits. */
	{
		pthread_t t;
		struct timespec ts;

		CHECK_EQ(pthread_create(&t, NULL, remover, &tdevs[0].dev), 0);
		tdevs[0].bound = false;
		WAIT_FOR(__atomic_load_n(&sw->stop, __ATOMIC_SEQ_CST), 5);
		CHECK_EQ(mv_netswitch_count(), 0);
		thaw();
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 10;
		CHECK_EQ(pthread_timedjoin_np(t, NULL, &ts), 0);
	}
	for (unsigned int i = 0; i < NREC; i++)
		CHECK_EQ(recs[i].after_removal, 0);
	CHECK_EQ(c->from_u[a->id], 5);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 0);
	finish();
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_probe, setup);
	teardown();
	RUN_TEST(test_ports, setup);
	teardown();
	RUN_TEST(test_flood, setup);
	teardown();
	RUN_TEST(test_direct, setup);
	teardown();
	RUN_TEST(test_ageing, setup);
	teardown();
	RUN_TEST(test_queued, setup);
	teardown();
	RUN_TEST(test_bounds, setup);
	teardown();
	RUN_TEST(test_offload_meta, setup);
	teardown();
	RUN_TEST(test_bad_meta, setup);
	teardown();
	RUN_TEST(test_concurrent, setup);
	teardown();
	RUN_TEST(test_remove, setup);
	teardown();
	return mv_test_summary();
}
