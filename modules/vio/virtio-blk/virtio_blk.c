// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk: the VirtIO block device (ID 2) behind virtio-mmio, one
 * request queue, on a disk in guest-private host memory:
 *
 *   blk@a000000 {
 *	compatible = "virtio,mmio";
 *	reg = <0x0 0xa000000 0x0 0x200>;
 *	interrupts = <0 18 1>;
 *	virtio-device = "blk";
 *	image = "disks/root.img";	(optional: an initrd file's copy)
 *	size = <0x0 0x2000000>;		(bytes, a multiple of 512;
 *					 needed without image, else at
 *					 least the image's size)
 *	read-only;			(optional: VIRTIO_BLK_F_RO offered,
 *					 writes fail with IOERR all the same)
 *   };
 *
 * The disk is a list of page-allocator blocks of at most 4 MiB (2^10
 * pages), zeroed, the image copied in (its last sector and up to size
 * padded with zeros), freed when the guest is destroyed. The copy keeps
 * guest writes away from the initrd and from other guests' copies.
 * Requests (IN, OUT, FLUSH, GET_ID) are served synchronously in
 * queue_notify, on the vCPU's exit path under the transport lock: a RAM
 * disk never blocks, and the transport has no way yet for a backend to
 * complete a chain from its own thread (mv_virtio_kick + poll could carry
 * completions, but a device reset in between would have the thread write
 * into buffers the driver took back). Guest memory is only touched
 * through the mapped segments of the chain the virtqueue library hands
 * out.
 */
#include <modvisor/errno.h>
#include <modvisor/module.h>
#include <modvisor/nucleus.h>
#include <modvisor/virtio.h>


#define PAGE_SHIFT	12
#define BLOCK_ORDER	10			/* 4 MiB blocks */
#define BLOCK_SHIFT	(PAGE_SHIFT + BLOCK_ORDER)
#define BLOCK_SIZE	(1ull << BLOCK_SHIFT)
#define SECTOR		512u

/* Feature bits (VirtIO 1.2, 5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX	1
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_BLK_SIZE	6
#define VIRTIO_BLK_F_FLUSH	9

/* Request types and status values. */
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8
#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2
#define VIRTIO_BLK_ID_BYTES	20

#define QUEUE_MAX	256
#define SEG_MAX		126		/* data descriptors per request */
#define SIZE_MAX_BYTES	(1u << 20)	/* bytes per data descriptor */
/*
 * A descriptor no larger than 1 MiB maps to at most two segments (the
 * library splits buffers at 2 MiB granules), so header, status and
 * SEG_MAX data descriptors fit in 2 * (SEG_MAX + 2) segments.
 */
#define SEGS		(2 * (SEG_MAX + 2))
#define HDR_BYTES	16
#define CONFIG_SIZE	36

struct blk {
	struct mv_virtio_dev *dev;
	uint64_t size;			/* bytes, a multiple of SECTOR */
	unsigned int nr_blocks;
	unsigned int last_order;	/* order of the last block */
	uint8_t **blocks;
	bool read_only;
	char id[VIRTIO_BLK_ID_BYTES];	/* not NUL-terminated when full */
	struct mv_virtq_seg seg[SEGS];
};

/* A position in the segments seg[first .. end) of a chain. */
struct cursor {
	const struct mv_virtq_seg *seg;
	unsigned int i, end;
	uint32_t off;
};

static void cursor_init(struct cursor *c, const struct mv_virtq_chain *ch,
			unsigned int first, unsigned int end)
{
	c->seg = ch->seg;
	c->i = first;
	c->end = end;
	c->off = 0;
}

/*
 * Copy n bytes between the chain (at the cursor) and buf: to_chain
 * copies buf into the chain. The caller made sure n bytes are there.
 */
static void cursor_copy(struct cursor *c, void *buf, uint64_t n, bool to_chain)
{
	uint8_t *b = buf;

	while (n && c->i < c->end) {
		uint64_t k = c->seg[c->i].len - c->off;
		uint8_t *p = (uint8_t *)c->seg[c->i].ptr + c->off;

		if (k > n)
			k = n;
		if (to_chain)
			memcpy(p, b, k);
		else
			memcpy(b, p, k);
		b += k;
		n -= k;
		c->off += (uint32_t)k;
		if (c->off == c->seg[c->i].len) {
			c->i++;
			c->off = 0;
		}
	}
}

/* Disk bytes [pos, pos + n) to or from the chain at the cursor. */
static void disk_copy(struct blk *b, struct cursor *c, uint64_t pos,
		      uint64_t n, bool to_chain)
{
	while (n) {
		uint64_t in = pos & (BLOCK_SIZE - 1);
		uint64_t k = BLOCK_SIZE - in;

		if (k > n)
			k = n;
		cursor_copy(c, b->blocks[pos >> BLOCK_SHIFT] + in, k, to_chain);
		pos += k;
		n -= k;
	}
}

static bool in_range(const struct blk *b, uint64_t sector, uint64_t bytes)
{
	uint64_t sectors = b->size / SECTOR;

	return sector <= sectors && bytes / SECTOR <= sectors - sector;
}

/* Serve one request; returns the bytes written into its writable part. */
static uint32_t serve(struct blk *b, const struct mv_virtq_chain *ch)
{
	unsigned int wend = ch->nr_out + ch->nr_in;
	uint8_t hdr[HDR_BYTES], status = VIRTIO_BLK_S_OK;
	uint32_t type, written = 0;
	uint64_t sector, n;
	struct cursor c;

	cursor_init(&c, ch, 0, ch->nr_out);
	cursor_copy(&c, hdr, HDR_BYTES, false);
	type = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 |
	       (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
	sector = 0;
	for (int i = 7; i >= 0; i--)
		sector = sector << 8 | hdr[8 + i];

	switch (type) {
	case VIRTIO_BLK_T_IN:
		n = ch->in_len - 1;
		if (ch->out_len != HDR_BYTES || n % SECTOR ||
		    !in_range(b, sector, n)) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		cursor_init(&c, ch, ch->nr_out, wend);
		disk_copy(b, &c, sector * SECTOR, n, true);
		written = (uint32_t)n;
		break;
	case VIRTIO_BLK_T_OUT:
		n = ch->out_len - HDR_BYTES;
		if (b->read_only || ch->in_len != 1 || n % SECTOR ||
		    !in_range(b, sector, n)) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		/* c is just past the header. */
		disk_copy(b, &c, sector * SECTOR, n, false);
		break;
	case VIRTIO_BLK_T_FLUSH:
		/* RAM: nothing is ever cached on the way. */
		break;
	case VIRTIO_BLK_T_GET_ID:
		n = ch->in_len - 1;
		if (n > VIRTIO_BLK_ID_BYTES)
			n = VIRTIO_BLK_ID_BYTES;
		cursor_init(&c, ch, ch->nr_out, wend);
		cursor_copy(&c, b->id, n, true);
		written = (uint32_t)n;
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	/* The status byte: the last byte of the writable part. */
	cursor_init(&c, ch, ch->nr_out, wend);
	{
		uint32_t skip = ch->in_len - 1;

		while (skip >= c.seg[c.i].len) {
			skip -= c.seg[c.i].len;
			c.i++;
		}
		((uint8_t *)c.seg[c.i].ptr)[skip] = status;
	}
	return written + 1;
}

static void blk_notify(struct mv_virtio_dev *dev, unsigned int qidx)
{
	struct blk *b = dev->priv;
	struct mv_virtq *q = mv_virtio_queue(dev, qidx);
	struct mv_virtq_chain ch = { .max_segs = SEGS, .seg = b->seg };
	int r;

	if (!q)
		return;
	while ((r = mv_virtq_pop(q, &ch)) > 0) {
		if (ch.out_len < HDR_BYTES || !ch.in_len) {
			mv_virtio_fail(dev, "request %u: %s", ch.head,
				       ch.out_len < HDR_BYTES ?
				       "header shorter than 16 bytes" :
				       "no status byte");
			return;
		}
		mv_virtq_push(q, ch.head, serve(b, &ch));
	}
	if (r == 0)
		mv_virtq_done(q);
}

/* struct virtio_blk_config, little-endian. */
static uint32_t blk_config_read(struct mv_virtio_dev *dev, uint32_t off,
				unsigned int width)
{
	struct blk *b = dev->priv;
	uint8_t cfg[CONFIG_SIZE] = { 0 };
	uint64_t sectors = b->size / SECTOR;
	uint32_t v = 0;

	for (int i = 0; i < 8; i++)
		cfg[i] = (uint8_t)(sectors >> (8 * i));
	for (int i = 0; i < 4; i++) {
		cfg[8 + i] = (uint8_t)(SIZE_MAX_BYTES >> (8 * i));
		cfg[12 + i] = (uint8_t)(SEG_MAX >> (8 * i));
		cfg[20 + i] = (uint8_t)(SECTOR >> (8 * i));
	}
	for (unsigned int i = 0; i < width; i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	return v;
}

static void free_disk(struct blk *b)
{
	for (unsigned int i = 0; i < b->nr_blocks; i++)
		if (b->blocks[i])
			mv_page_free(b->blocks[i], i + 1 == b->nr_blocks ?
				     b->last_order : BLOCK_ORDER);
	mv_free(b->blocks);
	b->blocks = NULL;
}

static int alloc_disk(struct blk *b)
{
	uint64_t last = b->size - (b->size - 1) / BLOCK_SIZE * BLOCK_SIZE;
	uint64_t pages = (last + (1u << PAGE_SHIFT) - 1) >> PAGE_SHIFT;

	b->nr_blocks = (unsigned int)((b->size + BLOCK_SIZE - 1) / BLOCK_SIZE);
	b->last_order = 0;
	while ((1ull << b->last_order) < pages)
		b->last_order++;
	b->blocks = mv_zalloc(b->nr_blocks * sizeof(*b->blocks));
	if (!b->blocks)
		return -MV_ENOMEM;
	for (unsigned int i = 0; i < b->nr_blocks; i++) {
		b->blocks[i] = mv_page_alloc_zeroed(i + 1 == b->nr_blocks ?
						    b->last_order :
						    BLOCK_ORDER);
		if (!b->blocks[i]) {
			free_disk(b);
			return -MV_ENOMEM;
		}
	}
	return 0;
}

/* Copy the image into the start of the (zeroed) disk. */
static void fill_disk(struct blk *b, const uint8_t *data, uint64_t len)
{
	for (unsigned int i = 0; len; i++) {
		uint64_t k = len < BLOCK_SIZE ? len : BLOCK_SIZE;

		memcpy(b->blocks[i], data, k);
		data += k;
		len -= k;
	}
}

#define blk_err(dev, fmt, ...) \
	mv_log(MV_LOG_ERR, "virtio-blk: guest %s: device %s: " fmt "\n", \
	       (dev)->guest_name, (dev)->name, ##__VA_ARGS__)

/*
 * The disk's size and contents from the node: size = <bytes> alone is a
 * zeroed RAM disk; image = "<initrd path>" a copy of that file, padded
 * with zeros to a whole sector or to size if that is given. Logs why not.
 */
static int disk_geometry(struct mv_virtio_dev *dev,
			 const struct mv_dt_node *node, uint64_t *size,
			 const void **image, size_t *image_len)
{
	bool has_size = mv_dt_has(node, "size");
	const char *path = NULL;

	*image = NULL;
	*image_len = 0;
	if (has_size && (mv_dt_u64(node, "size", size) || !*size ||
			 *size % SECTOR)) {
		blk_err(dev, "size must be a non-zero multiple of 512 bytes "
			"(one or two cells)");
		return -MV_EINVAL;
	}
	if (mv_dt_has(node, "image")) {
		path = mv_dt_string(node, "image");
		if (!path || !*path) {
			blk_err(dev, "image must be a string, a file's path in "
				"the initrd");
			return -MV_EINVAL;
		}
		*image = mv_initrd_file(path, image_len);
		if (!*image) {
			blk_err(dev, "image \"%s\": no such file in the "
				"initrd", path);
			return -MV_ENOENT;
		}
	} else if (!has_size) {
		blk_err(dev, "needs size = <bytes> (a RAM disk) or image = "
			"\"<initrd path>\"");
		return -MV_EINVAL;
	}
	if (!path)
		return 0;
	if (!has_size) {
		if (!*image_len) {
			blk_err(dev, "image \"%s\" is empty; give size = "
				"<bytes> too", path);
			return -MV_EINVAL;
		}
		/* A partial last sector reads as zeros after the image. */
		*size = (*image_len + SECTOR - 1) / SECTOR * SECTOR;
	} else if (*size < *image_len) {
		blk_err(dev, "size %lu is smaller than image \"%s\" (%lu "
			"bytes)", (unsigned long)*size, path,
			(unsigned long)*image_len);
		return -MV_EINVAL;
	}
	return 0;
}

static int blk_probe(struct mv_virtio_dev *dev, const struct mv_dt_node *node)
{
	const void *image;
	size_t image_len;
	struct blk *b;
	uint64_t size;
	char id[64];
	int err;

	err = disk_geometry(dev, node, &size, &image, &image_len);
	if (err)
		return err;
	b = mv_zalloc(sizeof(*b));
	if (!b)
		return -MV_ENOMEM;
	b->dev = dev;
	b->size = size;
	b->read_only = mv_dt_has(node, "read-only");
	err = alloc_disk(b);
	if (err) {
		blk_err(dev, "no memory for a %lu-byte disk",
			(unsigned long)size);
		mv_free(b);
		return err;
	}
	/* Own pages: guest writes never reach the initrd or another copy. */
	fill_disk(b, image, image_len);
	if (b->read_only)
		dev->offered |= 1ull << VIRTIO_BLK_F_RO;
	mv_snprintf(id, sizeof(id), "%s/%s", dev->guest_name, dev->name);
	for (size_t i = 0; i < VIRTIO_BLK_ID_BYTES && id[i]; i++)
		b->id[i] = id[i];
	dev->priv = b;
	return 0;
}

static void blk_remove(struct mv_virtio_dev *dev)
{
	struct blk *b = dev->priv;

	free_disk(b);
	dev->priv = NULL;
	mv_free(b);
}

static const struct mv_virtio_backend_ops blk_ops = {
	.module = "virtio-blk",
	.device_id = MV_VIRTIO_ID_BLOCK,
	.features = (1ull << VIRTIO_BLK_F_SIZE_MAX) |
		    (1ull << VIRTIO_BLK_F_SEG_MAX) |
		    (1ull << VIRTIO_BLK_F_BLK_SIZE) |
		    (1ull << VIRTIO_BLK_F_FLUSH),
	.num_queues = 1,
	.queue_max = QUEUE_MAX,
	.config_size = CONFIG_SIZE,
	.probe = blk_probe,
	.config_read = blk_config_read,
	.queue_notify = blk_notify,
	.remove = blk_remove,
};

MV_VIRTIO_BACKEND("blk", blk_ops);
MV_MODULE(virtio-blk, MV_VIRTIO_BACKEND_INIT, MV_VIRTIO_BACKEND_EXIT);
MV_MODULE_VERSION("1.0");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("VirtIO block backend on a RAM disk or initrd image");
