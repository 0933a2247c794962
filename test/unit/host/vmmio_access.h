/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's 32-bit register access to a virtio-mmio transport in the unit
 * tests, settled the way virtio_mmio.c does it: kicked work first, then
 * the access, then what the access started.
 */
#ifndef MV_TEST_VMMIO_ACCESS_H
#define MV_TEST_VMMIO_ACCESS_H

#include "../../../modules/vio/virtio-mmio/transport.h"
#include "mv_test.h"

static inline uint32_t vmmio_rd32(struct mv_virtio_transport *t,
				  uint64_t off)
{
	uint64_t v = 0xdeadbeef;

	vmmio_settle(t);
	CHECK_EQ(vmmio_read(t, off, 4, &v), 0);
	return (uint32_t)v;
}

static inline void vmmio_wr32(struct mv_virtio_transport *t, uint64_t off,
			      uint32_t v)
{
	CHECK_EQ(vmmio_write(t, off, 4, v), 0);
	vmmio_settle(t);
}

#endif
