// SPDX-License-Identifier: GPL-2.0
/*
 * Host stand-ins for what a virtio backend module links against besides
 * the transport, shared by unit.virtio_blk and unit.virtio_net: the
 * nucleus's formatting and heap on the C library, and the backend
 * registry of virtio_mmio.c (not linked: a backend under test is driven
 * by the test directly), and its mv_virtio_poll_now without the lock (one
 * thread here).
 */
#include <modvisor/virtio.h>
#include "../../../modules/vio/virtio-mmio/transport.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int mv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vsnprintf(buf, size, fmt, ap);
}

int mv_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void *mv_zalloc(size_t size)
{
	return calloc(1, size);
}

void mv_free(void *p)
{
	free(p);
}

int mv_virtio_backend_register(const char *name,
			       const struct mv_virtio_backend_ops *ops)
{
	(void)name;
	(void)ops;
	return 0;
}

void mv_virtio_backend_unregister(const struct mv_virtio_backend_ops *ops)
{
	(void)ops;
}

void mv_virtio_poll_now(struct mv_virtio_dev *dev)
{
	dev->transport->pending = 1;
	vmmio_settle(dev->transport);
}
