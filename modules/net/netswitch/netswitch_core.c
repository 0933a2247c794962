// SPDX-License-Identifier: GPL-2.0
/* netswitch core: learning and forwarding (see netswitch_core.h). */
#include "netswitch_core.h"

#include <string.h>

void ns_core_init(struct ns_core *c, struct ns_fdb_entry *fdb,
		  unsigned int nbuckets, struct ns_port *ports,
		  unsigned int max_ports, uint64_t ageing_ns)
{
	memset(c, 0, sizeof(*c));
	c->fdb = fdb;
	c->nbuckets = nbuckets;
	c->ports = ports;
	c->max_ports = max_ports;
	c->ageing_ns = ageing_ns;
	memset(fdb, 0, sizeof(*fdb) * nbuckets * NS_FDB_WAYS);
	memset(ports, 0, sizeof(*ports) * max_ports);
}

static bool live(const struct ns_core *c, const struct ns_fdb_entry *e,
		 uint64_t now)
{
	return e->used && now - e->seen_ns < c->ageing_ns;
}

static struct ns_fdb_entry *bucket(const struct ns_core *c,
				   const uint8_t mac[6])
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (int i = 0; i < 6; i++)
		h = (h ^ mac[i]) * 16777619u;
	h ^= h >> 15;
	return &c->fdb[(h & (c->nbuckets - 1)) * NS_FDB_WAYS];
}

int ns_core_port_add(struct ns_core *c)
{
	for (unsigned int i = 0; i < c->max_ports; i++) {
		if (!c->ports[i].used) {
			c->ports[i].used = true;
			memset(&c->ports[i].st, 0, sizeof(c->ports[i].st));
			return (int)i;
		}
	}
	return NS_NO_PORT;
}

void ns_core_port_remove(struct ns_core *c, unsigned int slot)
{
	if (slot >= c->max_ports || !c->ports[slot].used)
		return;
	for (unsigned int i = 0; i < c->nbuckets * NS_FDB_WAYS; i++)
		if (c->fdb[i].used && c->fdb[i].port == slot)
			c->fdb[i].used = 0;
	c->ports[slot].used = false;
	c->ports[slot].gen++;
}

int ns_core_lookup(struct ns_core *c, const uint8_t mac[6], uint64_t now_ns)
{
	struct ns_fdb_entry *b = bucket(c, mac);

	for (int w = 0; w < NS_FDB_WAYS; w++) {
		if (!b[w].used || memcmp(b[w].mac, mac, 6))
			continue;
		if (!live(c, &b[w], now_ns)) {
			b[w].used = 0;
			return NS_NO_PORT;
		}
		return b[w].port;
	}
	return NS_NO_PORT;
}

static void learn(struct ns_core *c, const uint8_t mac[6], unsigned int port,
		  uint64_t now)
{
	struct ns_fdb_entry *b = bucket(c, mac), *slot = NULL;

	for (int w = 0; w < NS_FDB_WAYS; w++) {
		if (b[w].used && !memcmp(b[w].mac, mac, 6)) {
			b[w].port = (uint8_t)port;	/* may have moved */
			b[w].seen_ns = now;
			return;
		}
		if (!slot && !live(c, &b[w], now))
			slot = &b[w];
	}
	if (!slot) {
		c->learn_full++;
		return;
	}
	memcpy(slot->mac, mac, 6);
	slot->used = 1;
	slot->port = (uint8_t)port;
	slot->seen_ns = now;
}

static void send_to(struct ns_core *c, unsigned int dst, const void *frame,
		    size_t len, ns_out_fn out, void *ctx)
{
	c->ports[dst].st.tx_frames++;
	c->ports[dst].st.tx_bytes += len;
	out(ctx, dst, frame, len);
}

unsigned int ns_core_input(struct ns_core *c, unsigned int src,
			   const void *frame, size_t len, uint64_t now_ns,
			   ns_out_fn out, void *ctx)
{
	const uint8_t *eth = frame;
	unsigned int n = 0;
	int dst;

	if (src >= c->max_ports || !c->ports[src].used)
		return 0;
	if (len < NS_ETH_HLEN) {
		c->ports[src].st.drops++;
		return 0;
	}
	c->ports[src].st.rx_frames++;
	c->ports[src].st.rx_bytes += len;
	if (!(eth[6] & 1))	/* never learn a multicast source */
		learn(c, eth + 6, src, now_ns);
	dst = (eth[0] & 1) ? NS_NO_PORT : ns_core_lookup(c, eth, now_ns);
	if (dst != NS_NO_PORT) {
		if ((unsigned int)dst == src) {
			c->filtered++;	/* already on its segment */
			return 0;
		}
		c->forwarded++;
		send_to(c, (unsigned int)dst, frame, len, out, ctx);
		return 1;
	}
	c->flooded++;
	for (unsigned int p = 0; p < c->max_ports; p++) {
		if (p == src || !c->ports[p].used)
			continue;
		send_to(c, p, frame, len, out, ctx);
		n++;
	}
	return n;
}

unsigned int ns_core_port_macs(const struct ns_core *c, unsigned int slot,
			       uint64_t now_ns)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < c->nbuckets * NS_FDB_WAYS; i++)
		if (live(c, &c->fdb[i], now_ns) && c->fdb[i].port == slot)
			n++;
	return n;
}

unsigned int ns_core_age(struct ns_core *c, uint64_t now_ns)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < c->nbuckets * NS_FDB_WAYS; i++) {
		if (c->fdb[i].used && !live(c, &c->fdb[i], now_ns)) {
			c->fdb[i].used = 0;
			n++;
		}
	}
	return n;
}
