/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netswitch offloads: checking a frame's offload metadata and the software
 * fallback for ports that cannot take it as is (complete a partial
 * checksum, cut a TCP GSO frame into MSS-sized segments). Free of nucleus
 * dependencies and of allocation (host-tested by
 * test/unit/test_netswitch_offload.c).
 */
#ifndef NETSWITCH_OFFLOAD_H
#define NETSWITCH_OFFLOAD_H

#include <stddef.h>
#include <stdint.h>
#include <modvisor/netswitch.h>

/* Scratch space ns_off_adapt needs: one whole frame. */
#define NS_OFF_SCRATCH MV_NETFRAME_MAX

/*
 * Check the metadata m of a frame a port sent, and normalise it: flags
 * the sender may not set are cleared, hdr_len becomes the real header
 * length of a GSO frame. 0, or -1 with *why saying what is wrong (the
 * frame must be dropped).
 */
int ns_off_check(const uint8_t *frame, size_t len, struct mv_netmeta *m,
		 const char **why);

typedef void (*ns_emit_fn)(void *ctx, const void *frame, size_t len,
			   const struct mv_netmeta *m);

/*
 * Hand a checked frame to a port accepting offloads (MV_NETPORT_*): as it
 * is if the port takes it, else completed and/or segmented through
 * scratch (NS_OFF_SCRATCH bytes). Returns the number of frames emitted.
 */
unsigned int ns_off_adapt(const uint8_t *frame, size_t len,
			  const struct mv_netmeta *m, unsigned int offloads,
			  uint8_t *scratch, ns_emit_fn emit, void *ctx);

/* Ones' complement sum of n bytes added to sum (not folded/inverted). */
uint32_t ns_off_sum(const void *p, size_t n, uint32_t sum);
/* Fold a sum to 16 bits and invert it: the checksum field's value. */
uint16_t ns_off_fold(uint32_t sum);

#endif
