// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk (modules/vio/virtio-blk/virtio_blk.c, included) on the real
 * transport and virtqueue library (transport.c, virtqueue.c) over a fake
 * guest RAM with 4 KiB granules, so buffers arrive split into many
 * segments. The disk's page blocks come from a counting stand-in of the
 * page allocator, the initrd's files from a fake mv_initrd_file. Probe
 * (sizes, images copied and padded, every refusal), config space, writes
 * and reads across a 4 MiB block boundary with header, data and status
 * split oddly, range, length and read-only errors (VIRTIO_BLK_F_RO
 * offered for that device only), FLUSH, GET_ID, unknown types, malformed
 * layouts (device needs reset), and every block freed.
 */
#include "../../modules/vio/virtio-blk/virtio_blk.c"
#include "../../modules/vio/virtio-mmio/transport.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mv_test.h"
#include "vmmio_access.h"

static unsigned int pages_live, fail_after = ~0u;

void *mv_page_alloc_zeroed(unsigned int order)
{
	CHECK_LE(order, 10);
	if (!fail_after)
		return NULL;
	fail_after--;
	pages_live += 1u << order;
	return calloc(1, 4096ul << order);
}

void mv_page_free(void *page, unsigned int order)
{
	CHECK(page);
	pages_live -= 1u << order;
	free(page);
}

/* The fake initrd: one file. */
static const char *rd_path;
static const uint8_t *rd_data;
static size_t rd_len;

const void *mv_initrd_file(const char *path, size_t *size)
{
	*size = 0;
	if (!rd_path || strcmp(path, rd_path))
		return NULL;
	*size = rd_len;
	return rd_data;
}

/* The fake device tree: one node's properties. */
static uint64_t dt_size;
static bool dt_has_size, dt_ro, dt_image_bad;
static const char *dt_image;

const char *mv_dt_string(const struct mv_dt_node *n, const char *prop)
{
	(void)n;
	return !strcmp(prop, "image") && !dt_image_bad ? dt_image : NULL;
}

int mv_dt_u64(const struct mv_dt_node *n, const char *prop, uint64_t *val)
{
	(void)n;
	if (strcmp(prop, "size") || !dt_has_size)
		return -MV_ENOENT;
	*val = dt_size;
	return 0;
}

bool mv_dt_has(const struct mv_dt_node *n, const char *prop)
{
	(void)n;
	return (!strcmp(prop, "read-only") && dt_ro) ||
	       (!strcmp(prop, "size") && dt_has_size) ||
	       (!strcmp(prop, "image") && dt_image);
}

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (1u << 20)
#define QBASE (RAM_BASE + 0x1000)
#define QNUM 16
#define DATA (RAM_BASE + 0x10000)

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static struct mv_virtio_transport t;
static bool line;

static void *map(void *ctx, uint64_t ipa, uint64_t len)
{
	(void)ctx;
	if (ipa < RAM_BASE || len > RAM_SIZE || ipa - RAM_BASE > RAM_SIZE - len)
		return NULL;
	return ram + (ipa - RAM_BASE);
}

static void irq(void *ctx, bool level)
{
	(void)ctx;
	line = level;
}

static struct blk *b_of(void)
{
	return t.dev.priv;
}

static uint16_t used_seen;

static void *at(uint64_t ipa)
{
	return ram + (ipa - RAM_BASE);
}

#define rd(off) vmmio_rd32(&t, off)
#define wr(off, v) vmmio_wr32(&t, off, v)

/* Probe a device of image (or none) and size (0: no size property). */
static int probe_image(const char *image, uint64_t size, bool ro)
{
	struct mv_dt_node node = { NULL, 0 };

	dt_size = size;
	dt_has_size = size != 0;
	dt_ro = ro;
	dt_image = image;
	dt_image_bad = false;
	memset(&t, 0, sizeof(t));
	vmmio_init(&t, &blk_ops, map, irq, &t);
	t.granule = 4096;
	t.dev.guest_name = "linux0";
	t.dev.name = "blk@a000000";
	return blk_probe(&t.dev, &node);
}

static int probe(uint64_t size, bool ro)
{
	return probe_image(NULL, size, ro);
}

static void start(void)
{
	wr(VMMIO_STATUS, 1);
	wr(VMMIO_STATUS, 3);
	wr(VMMIO_DRV_FEATURES_SEL, 0);
	wr(VMMIO_DRV_FEATURES, 1u << VIRTIO_BLK_F_FLUSH);
	wr(VMMIO_DRV_FEATURES_SEL, 1);
	wr(VMMIO_DRV_FEATURES, 1);
	wr(VMMIO_STATUS, 0xb);
	CHECK(rd(VMMIO_STATUS) & MV_VIRTIO_S_FEATURES_OK);
	wr(VMMIO_QUEUE_SEL, 0);
	wr(VMMIO_QUEUE_NUM, QNUM);
	wr(VMMIO_QUEUE_DESC_LO, (uint32_t)QBASE);
	wr(VMMIO_QUEUE_DRIVER_LO, (uint32_t)(QBASE + 0x1000));
	wr(VMMIO_QUEUE_DEVICE_LO, (uint32_t)(QBASE + 0x2000));
	wr(VMMIO_QUEUE_READY, 1);
	wr(VMMIO_STATUS, 0xf);
}

static void setup(void)
{
	memset(ram, 0, sizeof(ram));
	line = false;
	used_seen = 0;
	fail_after = ~0u;
	CHECK_EQ(probe((8u << 20) + 4096, false), 0);
	start();
}

static void teardown(void)
{
	blk_remove(&t.dev);
	CHECK_EQ(pages_live, 0);
}

/* A request: buffers (guest address, length, writable), in order. */
struct buf {
	uint64_t addr;
	uint32_t len;
	bool w;
};

/* Offer one chain, notify; returns the used length (-1: none used). */
static int64_t submit(const struct buf *b, unsigned int n)
{
	struct vq_desc *d = at(QBASE);
	uint16_t *avail_idx = at(QBASE + 0x1000 + 2);
	uint16_t *used_idx = at(QBASE + 0x2000 + 2);
	uint32_t *used = at(QBASE + 0x2000 + 4);

	for (unsigned int i = 0; i < n; i++) {
		d[i].addr = b[i].addr;
		d[i].len = b[i].len;
		d[i].flags = (b[i].w ? MV_VRING_DESC_F_WRITE : 0) |
			     (i + 1 < n ? MV_VRING_DESC_F_NEXT : 0);
		d[i].next = (uint16_t)(i + 1);
	}
	((uint16_t *)at(QBASE + 0x1000 + 4))[*avail_idx % QNUM] = 0;
	(*avail_idx)++;
	wr(VMMIO_QUEUE_NOTIFY, 0);
	if (*used_idx == used_seen)
		return -1;
	CHECK_EQ(*used_idx, (uint16_t)(used_seen + 1));
	CHECK_EQ(used[2 * (used_seen % QNUM)], 0);
	return used[2 * (used_seen++ % QNUM) + 1];
}

#define HDR (RAM_BASE + 0x8000)
#define STATUS (RAM_BASE + 0x9000)

static void header(uint32_t type, uint64_t sector)
{
	uint8_t *h = at(HDR);

	memset(h, 0, 16);
	memcpy(h, &type, 4);
	memcpy(h + 8, &sector, 8);
}

static uint8_t status(void)
{
	return *(uint8_t *)at(STATUS);
}

/* IN or OUT of len bytes at DATA, header and data in pieces. */
static int64_t rw(uint32_t type, uint64_t sector, uint32_t len)
{
	bool in = type == VIRTIO_BLK_T_IN;
	struct buf b[] = {
		{ HDR, 7, false }, { HDR + 7, 9, false },
		{ DATA, 1000, in }, { DATA + 1000, len - 1000, in },
		{ STATUS, 1, true },
	};

	header(type, sector);
	*(uint8_t *)at(STATUS) = 0xee;
	return submit(b, 5);
}

static void test_config(void)
{
	uint64_t v;

	CHECK_EQ(rd(VMMIO_DEVICE_ID), 2);
	wr(VMMIO_DEV_FEATURES_SEL, 0);
	CHECK_EQ(rd(VMMIO_DEV_FEATURES) & 0xffff,
		 (1u << 1) | (1u << 2) | (1u << 6) | (1u << 9));
	CHECK_EQ(vmmio_read(&t, VMMIO_CONFIG, 4, &v), 0);
	CHECK_EQ(v, ((8u << 20) + 4096) / 512);
	CHECK_EQ(vmmio_read(&t, VMMIO_CONFIG + 4, 4, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(vmmio_read(&t, VMMIO_CONFIG + 12, 4, &v), 0);
	CHECK_EQ(v, SEG_MAX);
	CHECK_EQ(vmmio_read(&t, VMMIO_CONFIG + 20, 2, &v), 0);
	CHECK_EQ(v, 512);
	/* Two 4 MiB blocks and one page. */
	CHECK_EQ(pages_live, 2 * 1024 + 1);
	teardown();
}

static void test_write_read(void)
{
	uint32_t len = 64 * 1024;
	uint64_t sector = (4u << 20) / 512 - 17;	/* across a block */
	uint8_t *data = at(DATA);
	uint8_t copy[64 * 1024];

	for (uint32_t i = 0; i < len; i++)
		data[i] = (uint8_t)mv_test_rand();
	memcpy(copy, data, len);
	CHECK_EQ(rw(VIRTIO_BLK_T_OUT, sector, len), 1);
	CHECK_EQ(status(), VIRTIO_BLK_S_OK);
	memset(data, 0, len);
	CHECK_EQ(rw(VIRTIO_BLK_T_IN, sector, len), len + 1);
	CHECK_EQ(status(), VIRTIO_BLK_S_OK);
	CHECK(!memcmp(data, copy, len));
	/* The bytes landed where they belong. */
	CHECK(!memcmp(b_of()->blocks[1], copy + 17 * 512, len - 17 * 512));
	/* The last sector; one past it fails. */
	CHECK_EQ(rw(VIRTIO_BLK_T_IN, (8u << 20) / 512 + 8 - 4, 2048), 2049);
	CHECK_EQ(status(), VIRTIO_BLK_S_OK);
	CHECK_EQ(rw(VIRTIO_BLK_T_IN, (8u << 20) / 512 + 8 - 3, 2048), 1);
	CHECK_EQ(status(), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(rw(VIRTIO_BLK_T_OUT, ~0ull / 2, 2048), 1);
	CHECK_EQ(status(), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(rw(VIRTIO_BLK_T_OUT, 0, 2047), 1);
	CHECK_EQ(status(), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(rw(VIRTIO_BLK_T_IN, 0, 1025), 1);
	CHECK_EQ(status(), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(rd(VMMIO_STATUS), 0xf);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 0);
	teardown();
}

static void test_other_types(void)
{
	struct buf flush[] = { { HDR, 16, false }, { STATUS, 1, true } };
	struct buf id[] = { { HDR, 16, false }, { DATA, 20, true },
			    { STATUS, 1, true } };
	struct buf id_short[] = { { HDR, 16, false }, { DATA, 5, true },
				  { STATUS, 1, true } };

	header(VIRTIO_BLK_T_FLUSH, 0);
	CHECK_EQ(submit(flush, 2), 1);
	CHECK_EQ(status(), VIRTIO_BLK_S_OK);
	header(VIRTIO_BLK_T_GET_ID, 0);
	memset(at(DATA), 0xff, 64);
	CHECK_EQ(submit(id, 3), 21);
	CHECK_EQ(status(), VIRTIO_BLK_S_OK);
	CHECK(!memcmp(at(DATA), "linux0/blk@a000000\0\0\xff", 21));
	CHECK_EQ(submit(id_short, 3), 6);
	CHECK(!memcmp(at(DATA), "linux", 5));
	header(11, 0);	/* DISCARD: not offered */
	*(uint8_t *)at(STATUS) = 0xee;
	CHECK_EQ(submit(flush, 2), 1);
	CHECK_EQ(status(), VIRTIO_BLK_S_UNSUPP);
	CHECK_EQ(rd(VMMIO_STATUS), 0xf);
	teardown();
}

static uint32_t dev_features(void)
{
	wr(VMMIO_DEV_FEATURES_SEL, 0);
	return rd(VMMIO_DEV_FEATURES);
}

static void test_read_only(void)
{
	/* setup's disk is writable: no RO. */
	CHECK_EQ(dev_features() & (1u << VIRTIO_BLK_F_RO), 0);
	blk_remove(&t.dev);
	CHECK_EQ(probe(1 << 20, true), 0);
	/* Offered for this device: the backend's ops are unchanged. */
	CHECK(dev_features() & (1u << VIRTIO_BLK_F_RO));
	CHECK_EQ(blk_ops.features & (1u << VIRTIO_BLK_F_RO), 0);
	start();	/* a driver that ignores RO... */
	memset(at(DATA), 0x5a, 4096);
	CHECK_EQ(rw(VIRTIO_BLK_T_OUT, 0, 4096), 1);
	CHECK_EQ(status(), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(rw(VIRTIO_BLK_T_IN, 0, 4096), 4097);
	CHECK_EQ(status(), VIRTIO_BLK_S_OK);
	CHECK_EQ(((uint8_t *)at(DATA))[100], 0);
	/* ...and one that accepts it: writes refused all the same. */
	wr(VMMIO_STATUS, 0);
	memset(ram, 0, sizeof(ram));
	used_seen = 0;
	wr(VMMIO_STATUS, 3);
	wr(VMMIO_DRV_FEATURES_SEL, 0);
	wr(VMMIO_DRV_FEATURES, 1u << VIRTIO_BLK_F_RO);
	wr(VMMIO_DRV_FEATURES_SEL, 1);
	wr(VMMIO_DRV_FEATURES, 1);
	wr(VMMIO_STATUS, 0xb);
	CHECK(rd(VMMIO_STATUS) & MV_VIRTIO_S_FEATURES_OK);
	CHECK(t.dev.features & (1u << VIRTIO_BLK_F_RO));
	wr(VMMIO_QUEUE_SEL, 0);
	wr(VMMIO_QUEUE_NUM, QNUM);
	wr(VMMIO_QUEUE_DESC_LO, (uint32_t)QBASE);
	wr(VMMIO_QUEUE_DRIVER_LO, (uint32_t)(QBASE + 0x1000));
	wr(VMMIO_QUEUE_DEVICE_LO, (uint32_t)(QBASE + 0x2000));
	wr(VMMIO_QUEUE_READY, 1);
	wr(VMMIO_STATUS, 0xf);
	memset(at(DATA), 0x5a, 4096);
	CHECK_EQ(rw(VIRTIO_BLK_T_OUT, 8, 4096), 1);
	CHECK_EQ(status(), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(rw(VIRTIO_BLK_T_IN, 8, 4096), 4097);
	CHECK_EQ(((uint8_t *)at(DATA))[4095], 0);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 0);
	teardown();
}

/* A fake initrd file of n pseudo-random bytes (never written by the test). */
static uint8_t *make_image(const char *path, size_t n)
{
	uint8_t *img = malloc(n);

	CHECK(img);
	for (size_t i = 0; i < n; i++)
		img[i] = (uint8_t)mv_test_rand();
	rd_path = path;
	rd_data = img;
	rd_len = n;
	return img;
}

/* Disk bytes [pos, pos + n) read by the driver into DATA. */
static const uint8_t *disk_read(uint64_t pos, uint32_t n)
{
	memset(at(DATA), 0xee, n);
	CHECK_EQ(rw(VIRTIO_BLK_T_IN, pos / 512, n), n + 1);
	CHECK_EQ(status(), VIRTIO_BLK_S_OK);
	return at(DATA);
}

static void test_image(void)
{
	size_t n = (4u << 20) + 1000;	/* two blocks, a partial sector */
	uint8_t *img = make_image("disks/root.img", n), *orig = malloc(n);
	static const uint8_t zero[2048];
	unsigned int errs = mv_host_log_count(MV_LOG_ERR);
	const uint8_t *d;
	uint64_t v;

	CHECK(orig);
	memcpy(orig, img, n);
	blk_remove(&t.dev);
	CHECK_EQ(probe_image("disks/root.img", 0, false), 0);
	start();
	/* Padded up to a whole sector. */
	CHECK_EQ(vmmio_read(&t, VMMIO_CONFIG, 4, &v), 0);
	CHECK_EQ(v, ((4u << 20) + 1024) / 512);
	CHECK_EQ(pages_live, 1024 + 1);
	CHECK_EQ(dev_features() & (1u << VIRTIO_BLK_F_RO), 0);
	d = disk_read(0, 4096);
	CHECK(!memcmp(d, img, 4096));
	/* Across the blocks. */
	d = disk_read((4u << 20) - 4096, 4096 + 1024);
	CHECK(!memcmp(d, img + (4u << 20) - 4096, 4096 + 1000));
	CHECK(!memcmp(d + 4096 + 1000, zero, 24));
	/* The guest's writes go to its copy, never the initrd's bytes. */
	memset(at(DATA), 0x77, 8192);
	CHECK_EQ(rw(VIRTIO_BLK_T_OUT, 8, 8192), 1);
	CHECK_EQ(status(), VIRTIO_BLK_S_OK);
	d = disk_read(4096, 8192);
	CHECK_EQ(d[0], 0x77);
	CHECK_EQ(d[8191], 0x77);
	CHECK(!memcmp(img, orig, n));
	teardown();

	/* A second device from the same image: the original bytes. */
	memset(ram, 0, sizeof(ram));
	used_seen = 0;
	CHECK_EQ(probe_image("disks/root.img", 0, true), 0);
	CHECK(dev_features() & (1u << VIRTIO_BLK_F_RO));
	start();
	d = disk_read(4096, 8192);
	CHECK(!memcmp(d, orig + 4096, 8192));
	teardown();

	/* size pads with zeros beyond the image. */
	memset(ram, 0, sizeof(ram));
	used_seen = 0;
	CHECK_EQ(probe_image("disks/root.img", 12u << 20, false), 0);
	start();
	CHECK_EQ(vmmio_read(&t, VMMIO_CONFIG, 4, &v), 0);
	CHECK_EQ(v, (12u << 20) / 512);
	CHECK_EQ(pages_live, 3 * 1024);
	d = disk_read(4u << 20, 2048);
	CHECK(!memcmp(d, img + (4u << 20), 1000));
	CHECK(!memcmp(d + 1000, zero, 512));
	d = disk_read((12u << 20) - 2048, 2048);
	CHECK(!memcmp(d, zero, 2048));
	/* size exactly the padded image is fine too. */
	teardown();
	CHECK_EQ(probe_image("disks/root.img", (4u << 20) + 1024, false), 0);
	teardown();
	CHECK_EQ(mv_host_log_count(MV_LOG_ERR), errs);
	free(img);
	free(orig);
	rd_path = NULL;
}

static void test_image_errors(void)
{
	uint8_t *img = make_image("disks/root.img", 4096);
	struct mv_dt_node node = { NULL, 0 };

	blk_remove(&t.dev);
	CHECK_LOGS_ERROR("virtio-blk: guest linux0: device blk@a000000: image "
			 "\"disks/none.img\": no such file in the initrd",
			 CHECK_EQ(probe_image("disks/none.img", 0, false),
				  -MV_ENOENT));
	CHECK_LOGS_ERROR("virtio-blk: guest linux0: device blk@a000000: size "
			 "3584 is smaller than image \"disks/root.img\" (4096 "
			 "bytes)", CHECK_EQ(probe_image("disks/root.img",
							4096 - 512, false),
					    -MV_EINVAL));
	CHECK_LOGS_ERROR("virtio-blk: guest linux0: device blk@a000000: size "
			 "must be", CHECK(probe_image("disks/root.img", 4000,
						      false) < 0));
	dt_has_size = false;
	dt_image_bad = true;
	CHECK_LOGS_ERROR("virtio-blk: guest linux0: device blk@a000000: image "
			 "must be a string",
			 CHECK(blk_probe(&t.dev, &node) < 0));
	rd_len = 0;
	CHECK_LOGS_ERROR("virtio-blk: guest linux0: device blk@a000000: image "
			 "\"disks/root.img\" is empty",
			 CHECK(probe_image("disks/root.img", 0, false) < 0));
	/* An empty image with a size: a zeroed disk. */
	CHECK_EQ(probe_image("disks/root.img", 4096, false), 0);
	CHECK_EQ(pages_live, 1);
	teardown();
	/* No memory for the copy: nothing kept. */
	rd_len = 4096;
	fail_after = 0;
	CHECK_LOGS_ERROR("virtio-blk: guest linux0: device blk@a000000: no "
			 "memory", CHECK(probe_image("disks/root.img", 0,
						     false) < 0));
	CHECK_EQ(pages_live, 0);
	fail_after = ~0u;
	free(img);
	rd_path = NULL;
}

static void test_bad_layout(void)
{
	struct buf no_status[] = { { HDR, 16, false }, { DATA, 512, false } };
	struct buf short_hdr[] = { { HDR, 8, false }, { STATUS, 1, true } };
	unsigned int w = mv_host_log_count(MV_LOG_WARN);

	header(VIRTIO_BLK_T_OUT, 0);
	CHECK_EQ(submit(no_status, 2), -1);
	CHECK(rd(VMMIO_STATUS) & MV_VIRTIO_S_NEEDS_RESET);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), w + 1);
	wr(VMMIO_STATUS, 0);
	memset(ram, 0, sizeof(ram));
	used_seen = 0;
	start();
	CHECK_EQ(submit(short_hdr, 2), -1);
	CHECK(rd(VMMIO_STATUS) & MV_VIRTIO_S_NEEDS_RESET);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), w + 2);
	teardown();
}

static void test_probe_errors(void)
{
	struct mv_dt_node node = { NULL, 0 };

	blk_remove(&t.dev);
	CHECK_LOGS_ERROR("virtio-blk: guest linux0: device blk@a000000: needs "
			 "size = <bytes> (a RAM disk) or image = \"<initrd "
			 "path>\"", CHECK(probe(0, false) < 0));
	CHECK_LOGS_ERROR("virtio-blk: guest linux0: device blk@a000000: size "
			 "must be a non-zero multiple of 512 bytes",
			 CHECK(probe(1000, false) < 0));
	dt_has_size = true;
	dt_size = 0;
	CHECK_LOGS_ERROR("virtio-blk: guest linux0: device blk@a000000: size "
			 "must be", CHECK(blk_probe(&t.dev, &node) < 0));
	fail_after = 3;
	CHECK_LOGS_ERROR("virtio-blk: guest linux0: device blk@a000000: no "
			 "memory", CHECK(probe(20u << 20, false) < 0));
	CHECK_EQ(pages_live, 0);
	fail_after = ~0u;
	/* A disk not a multiple of 4 MiB: a smaller last block. */
	CHECK_EQ(probe((4u << 20) + 3 * 4096 + 512, false), 0);
	CHECK_EQ(pages_live, 1024 + 4);
	teardown();
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_config, setup);
	RUN_TEST(test_write_read, setup);
	RUN_TEST(test_other_types, setup);
	RUN_TEST(test_read_only, setup);
	RUN_TEST(test_image, setup);
	RUN_TEST(test_image_errors, setup);
	RUN_TEST(test_bad_layout, setup);
	RUN_TEST(test_probe_errors, setup);
	return mv_test_summary();
}
