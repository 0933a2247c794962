/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netswitch core: the learning bridge's forwarding logic, free of any
 * nucleus dependency (host-tested by test/unit/test_netswitch.c). It
 * allocates nothing and takes no lock: the caller provides the storage
 * and serialises every call. Time is passed in (ns), so tests inject it.
 *
 * Forwarding database: nbuckets (a power of two) sets of NS_FDB_WAYS
 * entries, set chosen by a hash of the MAC. An entry older than the
 * ageing time is gone. When a MAC's set is full of live entries the MAC
 * is not learned (learn_full counts it) and frames to it are flooded.
 */
#ifndef NETSWITCH_CORE_H
#define NETSWITCH_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NS_ETH_HLEN 14		/* shorter frames are malformed */
#define NS_FDB_WAYS 4
#define NS_NO_PORT (-1)

struct ns_fdb_entry {
	uint8_t mac[6];
	uint8_t used;
	uint8_t port;		/* slot */
	uint64_t seen_ns;	/* last time seen as a source */
};

struct ns_port_stats {
	uint64_t rx_frames, rx_bytes;	/* from the port into the switch */
	uint64_t tx_frames, tx_bytes;	/* from the switch to the port */
	uint64_t drops;			/* malformed (or lost on the way) */
};

struct ns_port {
	bool used;
	uint32_t gen;		/* bumped on removal */
	struct ns_port_stats st;
};

struct ns_core {
	struct ns_fdb_entry *fdb;	/* nbuckets * NS_FDB_WAYS */
	unsigned int nbuckets;
	struct ns_port *ports;
	unsigned int max_ports;		/* <= 255 */
	uint64_t ageing_ns;
	uint64_t learn_full;		/* MACs not learned: set full */
	uint64_t flooded, forwarded, filtered;	/* frames */
};

/* Deliver one frame to port slot dst (the caller's output). */
typedef void (*ns_out_fn)(void *ctx, unsigned int dst, const void *frame,
			  size_t len);

void ns_core_init(struct ns_core *c, struct ns_fdb_entry *fdb,
		  unsigned int nbuckets, struct ns_port *ports,
		  unsigned int max_ports, uint64_t ageing_ns);
/* A free slot (stats zeroed), or NS_NO_PORT if all are in use. */
int ns_core_port_add(struct ns_core *c);
/* Free a slot and forget every MAC learned on it. */
void ns_core_port_remove(struct ns_core *c, unsigned int slot);
/*
 * A frame that came in on port src: counted, its source MAC learned, and
 * passed to out() for each destination port (never src): the learned
 * port of a known unicast destination, else every other port (flood).
 * Frames shorter than NS_ETH_HLEN are dropped and counted.
 * Returns the number of ports it went to.
 */
unsigned int ns_core_input(struct ns_core *c, unsigned int src,
			   const void *frame, size_t len, uint64_t now_ns,
			   ns_out_fn out, void *ctx);
/* The port a MAC was learned on (and not aged out), or NS_NO_PORT. */
int ns_core_lookup(struct ns_core *c, const uint8_t mac[6], uint64_t now_ns);
/* Live MACs learned on a port. */
unsigned int ns_core_port_macs(const struct ns_core *c, unsigned int slot,
			       uint64_t now_ns);
/* Forget aged-out entries; returns how many. */
unsigned int ns_core_age(struct ns_core *c, uint64_t now_ns);

#endif
