/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network switches (docs/net.md). The netswitch module binds each boot
 * device tree node with compatible "modvisor,bridge" (e.g.
 * /netswitches/br0) and makes it a learning bridge named after the node
 * ("br0"). Port providers (virtio-net backend, host NIC driver) link
 * against netswitch (USES netswitch) and call:
 *
 *   struct mv_netswitch *sw = mv_netswitch_find("br0");
 *   struct mv_netport *p = mv_netport_add(sw, "linux0/net", offloads,
 *					   rx, dev);
 *   mv_netport_send(p, frame, len, meta); (any context, never blocks)
 *   ...
 *   mv_netport_remove(p);		   (no deliver call after it returns)
 *
 * Frames are whole Ethernet frames (destination MAC first, no FCS). The
 * switch copies a sent frame and forwards it at once if it is free, on
 * the sender's path, else queues it for its switch thread. deliver(ctx,
 * frame, len, meta) runs under the switch lock, one call at a time, on
 * that thread or on a sender's path (a vCPU's exit or a sending thread,
 * interrupts masked): it must not block, sleep or wait for a vCPU (copy
 * the frame and return); frame and meta are only valid during the call.
 *
 * Offloads. A frame may carry metadata (the fields of struct
 * virtio_net_hdr): a partial checksum to complete and/or a TCP segment
 * to cut into gso_size pieces. Each port says which of these it accepts
 * (MV_NETPORT_*); the switch checks the metadata of every frame it gets
 * (a frame with bad metadata is dropped, counted and logged) and hands a
 * port only what it accepts, completing checksums and segmenting in
 * software otherwise. A port that accepts nothing gets plain, fully
 * checksummed frames.
 */
#ifndef MODVISOR_NETSWITCH_H
#define MODVISOR_NETSWITCH_H

#include <stddef.h>
#include <stdint.h>

#define MV_NETSWITCH_NAME_MAX 32
#define MV_NETPORT_NAME_MAX 48
#define MV_NETFRAME_MAX (65536 + 64)	/* largest frame a port may send */

struct mv_netswitch;
struct mv_netport;

/* Offload metadata of a frame: struct virtio_net_hdr's fields, host order. */
#define MV_NETMETA_NEEDS_CSUM	1	/* flags: complete the checksum */
#define MV_NETMETA_DATA_VALID	2	/* flags: checksum verified (deliver) */
#define MV_NETMETA_GSO_NONE	0	/* gso_type */
#define MV_NETMETA_GSO_TCPV4	1
#define MV_NETMETA_GSO_TCPV6	4

struct mv_netmeta {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;	/* GSO: bytes of headers (a hint on send) */
	uint16_t gso_size;	/* GSO: payload bytes per segment (MSS) */
	uint16_t csum_start;	/* NEEDS_CSUM: sum from here to the end... */
	uint16_t csum_offset;	/* ...stored at csum_start + csum_offset */
};

/* What a port accepts (TSO implies checksum offload). */
#define MV_NETPORT_CSUM		(1u << 0)	/* NEEDS_CSUM frames */
#define MV_NETPORT_TSO4		(1u << 1)	/* GSO_TCPV4 frames */
#define MV_NETPORT_TSO6		(1u << 2)	/* GSO_TCPV6 frames */

/* meta is never NULL: all zero for a plain frame. */
typedef void (*mv_netport_deliver_fn)(void *ctx, const void *frame,
				      size_t len,
				      const struct mv_netmeta *meta);

/* A switch by name, or NULL. Switches live until netswitch unloads. */
struct mv_netswitch *mv_netswitch_find(const char *name);
/*
 * A new port (threads only: it may sleep briefly), or NULL (switch full,
 * out of memory; logged). name is for `netswitch ports`.
 */
struct mv_netport *mv_netport_add(struct mv_netswitch *sw, const char *name,
				  unsigned int offloads,
				  mv_netport_deliver_fn deliver, void *ctx);
/*
 * Change what the port accepts (MV_NETPORT_*), e.g. when a guest's driver
 * negotiated features: never blocks, any context. Frames already on their
 * way may still follow the old set, so a port must cope with (or drop) a
 * frame it no longer accepts.
 */
void mv_netport_set_offloads(struct mv_netport *port, unsigned int offloads);
/*
 * Threads only (may sleep): forgets the port's MACs, drops its queued
 * frames; deliver is not running and will not run once it returns.
 */
void mv_netport_remove(struct mv_netport *port);
/*
 * Queue a frame into the switch: never blocks, callable from a vCPU's
 * exit path. meta is NULL for a plain frame. A frame the queue has no
 * room for, or longer than MV_NETFRAME_MAX, is dropped and counted. Not
 * concurrently with mv_netport_remove of the same port.
 */
void mv_netport_send(struct mv_netport *port, const void *frame, size_t len,
		     const struct mv_netmeta *meta);
/*
 * A frame the port's provider dropped: one delivered that it could not
 * take (its receive buffers full), or one of its own it could not send.
 * Counted in the port's drops; never blocks, any context.
 */
void mv_netport_drop(struct mv_netport *port);

/* For `netswitch list` and `netswitch ports`. */
struct mv_netswitch_info {
	char name[MV_NETSWITCH_NAME_MAX];
	unsigned int ports, max_ports;
	unsigned int macs, mac_capacity;	/* live learned / room */
	uint64_t ageing_ms;
	uint64_t flooded, forwarded, filtered;	/* frames */
	uint64_t learn_full;		/* MACs not learned: table full */
};
struct mv_netport_info {
	char name[MV_NETPORT_NAME_MAX];
	uint64_t rx_frames, rx_bytes;	/* received from the port */
	uint64_t tx_frames, tx_bytes;	/* sent to the port */
	uint64_t drops;			/* malformed, queue full, too big,
					   not taken (mv_netport_drop) */
	uint64_t bad_meta;		/* of drops: bad offload metadata */
	uint64_t segmented;		/* tx: GSO frames cut in software */
	uint64_t direct;		/* rx: handled on the sender's path */
	unsigned int macs;		/* live MACs learned on it */
	unsigned int offloads;		/* MV_NETPORT_* it accepts */
};
/* Number of switches; 0 or -MV_ENOENT for index i. */
unsigned int mv_netswitch_count(void);
int mv_netswitch_info_at(unsigned int i, struct mv_netswitch_info *info);
int mv_netswitch_info(const char *name, struct mv_netswitch_info *info);
/* Port i (0 .. info.ports-1) of switch name: 0 or -MV_ENOENT. */
int mv_netport_info_at(const char *sw, unsigned int i,
		       struct mv_netport_info *info);
/* Ageing time in ms (> 0); 0 or -MV_EINVAL / -MV_ENOENT. */
int mv_netswitch_set_ageing(const char *name, uint64_t ms);

#endif
