// SPDX-License-Identifier: GPL-2.0
/*
 * Guests (DESIGN §5): created from a /guests/<name> node of the boot DT
 * or from a DTB file in the initrd, each with its own copy of that node
 * (the definition), RAM regions mapped at stage 2, emulated devices and
 * vCPU threads; started, paused, reset and destroyed by name. A bad
 * definition gets one message naming what is wrong and creates nothing.
 */
#include <mv/arch.h>
#include <mv/arch_guest.h>
#include <mv/cpu.h>
#include <mv/devtree.h>
#include <mv/errno.h>
#include <mv/guest.h>
#include <mv/heap.h>
#include <mv/log.h>
#include <mv/modload.h>
#include <mv/nucleus.h>
#include <mv/module.h>
#include <mv/page_alloc.h>
#include <mv/time.h>
#include <libfdt.h>
#include <stdarg.h>
#include <string.h>

/* The arm64 Linux Image header (Documentation/arch/arm64/booting.rst). */
struct image_header {
	u32 code0, code1;
	u64 text_offset, image_size, flags;
	u64 res2, res3, res4;
	u32 magic, res5;
};
#define IMAGE_MAGIC 0x644d5241		/* "ARM\x64" */
#define IMAGE_OLD_TEXT_OFFSET 0x80000
#define DTB_MAX_SIZE MV_MIB(2)
#define WARN_BURST 8			/* misdeed messages a second */

static struct mv_list guests = MV_LIST_INIT(guests);
static unsigned int nr_guests;
static struct mv_mutex guests_lock = MV_MUTEX_INIT(guests_lock);
static bool virt_ready;
static u64 guest_ram_bytes;

u64 mv_guest_ram_allocated(void)
{
	return __atomic_load_n(&guest_ram_bytes, __ATOMIC_RELAXED);
}

int mv_emu_create_all(struct mv_guest *g);
void mv_emu_reset_all(struct mv_guest *g);
void mv_emu_destroy_all(struct mv_guest *g);

const char *mv_guest_state_name(enum mv_guest_state s)
{
	static const char *const names[] = {
		"loaded", "running", "paused", "stopped",
	};

	return (unsigned int)s < 4 ? names[s] : "?";
}

const char *mv_vcpu_state_name(enum mv_vcpu_state s)
{
	static const char *const names[] = {
		"off", "runnable", "blocked", "paused",
	};

	return (unsigned int)s < 4 ? names[s] : "?";
}

const char *mv_exit_reason_name(enum mv_exit_reason r)
{
	static const char *const names[] = {
		"hvc", "smc", "mmio", "sysreg", "wfi", "wfe", "irq", "abort",
		"ram", "other",
	};

	return (unsigned int)r < MV_EXIT_REASONS ? names[r] : "?";
}

void mv_guest_warn(struct mv_guest *g, const char *fmt, ...)
{
	u64 now = mv_time_ns(), seen;
	char msg[160];
	va_list ap;

	if (now - MV_READ_ONCE(g->warn_window) >= MV_NSEC_PER_SEC) {
		u64 dropped = g->warn_count > WARN_BURST ?
			g->warn_count - WARN_BURST : 0;

		g->warn_window = now;
		g->warn_count = 0;
		if (dropped)
			mv_log(MV_LOG_WARN, "guest %s: %lu more messages "
			       "suppressed\n", g->name, (unsigned long)dropped);
	}
	seen = __atomic_fetch_add(&g->warn_count, 1, __ATOMIC_RELAXED);
	if (seen == WARN_BURST)
		mv_log(MV_LOG_WARN, "guest %s: more of its misdeeds this "
		       "second are not logged\n", g->name);
	if (seen >= WARN_BURST)
		return;
	va_start(ap, fmt);
	mv_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mv_log(MV_LOG_WARN, "guest %s: %s", g->name, msg);
}

static struct mv_guest *find_guest(const char *name)
{
	struct mv_list *pos;

	mv_list_for_each(pos, &guests) {
		struct mv_guest *g = mv_list_entry(pos, struct mv_guest, node);

		if (!strcmp(g->name, name))
			return g;
	}
	return NULL;
}

/* --- Memory ----------------------------------------------------------- */

/*
 * Guest RAM comes from the page allocator. Regions whose base and size
 * are 2 MiB aligned are backed a 2 MiB granule at a time, zeroed and
 * mapped when the guest (or the nucleus, loading images) first touches
 * it: a guest only pays for the RAM it uses, and creating one does not
 * have to clear hundreds of MiB. What such a region may still take is
 * reserved at creation, so other guests cannot promise it twice. Other
 * regions are backed whole at creation.
 */
#define GRANULE MV_MIB(2)
#define GRANULE_ORDER 9

static u64 ram_reserved;		/* promised to guests, not backed yet */

static void ram_account(u64 *counter, s64 delta)
{
	__atomic_fetch_add(counter, (u64)delta, __ATOMIC_RELAXED);
}

/* Back the granule holding ipa (region r, lazy). 0 or -MV_ENOMEM. */
static int populate(struct mv_guest *g, struct mv_guest_region *r, u64 ipa)
{
	unsigned int idx = (ipa - r->ipa) / GRANULE;
	unsigned long flags;
	void *mem;
	int err = 0;

	if (MV_READ_ONCE(r->blocks[idx].pa))
		return 0;
	/* Zeroed outside the lock: another vCPU may fault meanwhile. */
	mem = mv_page_alloc_zeroed(GRANULE_ORDER);
	if (!mem) {
		mv_log(MV_LOG_ERR, "guest %s: out of host memory for its RAM "
		       "at 0x%lx\n", g->name, (unsigned long)ipa);
		return -MV_ENOMEM;
	}
	flags = mv_spin_lock_irqsave(&g->ram_lock);
	if (r->blocks[idx].pa) {
		mv_spin_unlock_irqrestore(&g->ram_lock, flags);
		mv_page_free(mem, GRANULE_ORDER);
		return 0;
	}
	err = mv_arch_stage2_map(g, r->ipa + (u64)idx * GRANULE,
				 (paddr_t)mem, GRANULE);
	if (!err) {
		MV_WRITE_ONCE(r->blocks[idx].pa, (paddr_t)mem);
		ram_account(&guest_ram_bytes, GRANULE);
		ram_account(&ram_reserved, -(s64)GRANULE);
	}
	mv_spin_unlock_irqrestore(&g->ram_lock, flags);
	if (err)
		mv_page_free(mem, GRANULE_ORDER);
	return err;
}

static struct mv_guest_region *region_of(struct mv_guest *g, u64 ipa)
{
	for (unsigned int i = 0; i < g->nr_regions; i++)
		if (ipa - g->regions[i].ipa < g->regions[i].size)
			return &g->regions[i];
	return NULL;
}

int mv_guest_ram_fault(struct mv_guest *g, u64 ipa)
{
	struct mv_guest_region *r = region_of(g, ipa);

	return r && r->lazy ? populate(g, r, ipa) : -MV_ENOENT;
}

/* Host address of ipa and how many bytes follow it in the same block. */
static void *ram_span(struct mv_guest *g, u64 ipa, u64 *avail)
{
	struct mv_guest_region *r = region_of(g, ipa);
	u64 off;

	if (!r)
		return NULL;
	off = ipa - r->ipa;
	if (r->lazy) {
		struct mv_ram_block *b = &r->blocks[off / GRANULE];

		if (populate(g, r, ipa))
			return NULL;
		*avail = GRANULE - off % GRANULE;
		return (void *)(b->pa + off % GRANULE);
	}
	for (unsigned int b = 0; b < r->nr_blocks; b++) {
		u64 bsize = MV_PAGE_SIZE << r->blocks[b].order;

		if (off < bsize) {
			*avail = bsize - off;
			return (void *)(r->blocks[b].pa + off);
		}
		off -= bsize;
	}
	return NULL;
}

void *mv_guest_ram_ptr(struct mv_guest *g, u64 ipa, u64 size)
{
	u64 avail;
	void *p = ram_span(g, ipa, &avail);

	return p && size <= avail ? p : NULL;
}

/* Copy into guest RAM across host blocks; the range must be RAM. */
static int guest_write(struct mv_guest *g, u64 ipa, const void *src,
		       size_t len)
{
	while (len) {
		u64 chunk;
		void *dst = ram_span(g, ipa, &chunk);

		if (!dst)
			return -MV_ENOMEM;
		if (chunk > len)
			chunk = len;
		memcpy(dst, src, chunk);
		mv_arch_guest_mem_sync(dst, chunk);
		ipa += chunk, src = (const u8 *)src + chunk, len -= chunk;
	}
	return 0;
}

static void free_ram(struct mv_guest *g)
{
	for (unsigned int i = 0; i < g->nr_regions; i++) {
		struct mv_guest_region *r = &g->regions[i];

		for (unsigned int b = 0; b < r->nr_blocks; b++) {
			u64 bytes = MV_PAGE_SIZE << r->blocks[b].order;

			if (!r->blocks[b].pa) {
				ram_account(&ram_reserved, -(s64)bytes);
				continue;
			}
			mv_page_free((void *)r->blocks[b].pa,
				     r->blocks[b].order);
			ram_account(&guest_ram_bytes, -(s64)bytes);
		}
		mv_free(r->blocks);
		r->blocks = NULL;
		r->nr_blocks = 0;
	}
}

/* Back a region: lazily by granules, or now with the biggest blocks. */
static int alloc_region(struct mv_guest *g, struct mv_guest_region *r)
{
	u64 done = 0;
	unsigned int max_blocks = r->size / (MV_PAGE_SIZE <<
					     MV_PAGE_MAX_ORDER) + 2 * 11;

	r->lazy = !(r->ipa % GRANULE) && !(r->size % GRANULE);
	if (r->lazy) {
		r->nr_blocks = r->size / GRANULE;
		r->blocks = mv_calloc(r->nr_blocks, sizeof(*r->blocks));
		if (!r->blocks) {
			r->nr_blocks = 0;
			return -MV_ENOMEM;
		}
		for (unsigned int b = 0; b < r->nr_blocks; b++)
			r->blocks[b].order = GRANULE_ORDER;
		ram_account(&ram_reserved, r->size);
		return 0;
	}
	r->blocks = mv_calloc(max_blocks, sizeof(*r->blocks));
	if (!r->blocks)
		return -MV_ENOMEM;
	while (done < r->size) {
		unsigned int order = MV_PAGE_MAX_ORDER;
		void *mem = NULL;

		/* Keep each block naturally aligned in the IPA space too. */
		while (order && ((MV_PAGE_SIZE << order) > r->size - done ||
				 ((r->ipa + done) & ((MV_PAGE_SIZE << order) -
						     1))))
			order--;
		while (!(mem = mv_page_alloc_zeroed(order)) && order)
			order--;
		if (!mem || r->nr_blocks == max_blocks) {
			if (mem)
				mv_page_free(mem, order);
			return -MV_ENOMEM;
		}
		r->blocks[r->nr_blocks].pa = (paddr_t)mem;
		r->blocks[r->nr_blocks++].order = order;
		ram_account(&guest_ram_bytes, MV_PAGE_SIZE << order);
		if (mv_arch_stage2_map(g, r->ipa + done, (paddr_t)mem,
				       MV_PAGE_SIZE << order) < 0)
			return -MV_ENOMEM;
		done += MV_PAGE_SIZE << order;
	}
	return 0;
}

/* --- The definition --------------------------------------------------- */

static int copy_subtree(void *sw, const void *src, int node)
{
	int prop, child, err = 0;

	fdt_for_each_property_offset(prop, src, node) {
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(src, prop, &name, &len);

		if (!val || (err = fdt_property(sw, name, val, len)) < 0)
			return val ? err : len;
	}
	fdt_for_each_subnode(child, src, node) {
		if ((err = fdt_begin_node(sw, fdt_get_name(src, child, NULL))) ||
		    (err = copy_subtree(sw, src, child)) ||
		    (err = fdt_end_node(sw)))
			return err;
	}
	return 0;
}

/* A standalone FDT whose root is a copy of src's node. */
static void *extract_definition(const void *src, int node)
{
	for (size_t size = 16384; size <= MV_MIB(1); size *= 4) {
		void *buf = mv_malloc(size);
		int err;

		if (!buf)
			return NULL;
		err = fdt_create(buf, size);
		if (!err)
			err = fdt_finish_reservemap(buf);
		if (!err)
			err = fdt_begin_node(buf, "");
		if (!err)
			err = copy_subtree(buf, src, node);
		if (!err)
			err = fdt_end_node(buf);
		if (!err)
			err = fdt_finish(buf);
		if (!err)
			return buf;
		mv_free(buf);
		if (err != -FDT_ERR_NOSPACE)
			return NULL;
	}
	return NULL;
}

/* A property of <addr-hi addr-lo size-hi size-lo> tuples. */
static int read_ranges(const void *fdt, int node, const char *prop,
		       u64 base[], u64 size[], unsigned int max)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);
	unsigned int n;

	if (!p)
		return -MV_ENOENT;
	if (len <= 0 || len % 16)
		return -MV_EINVAL;
	n = len / 16;
	if (n > max)
		return -MV_E2BIG;
	for (unsigned int i = 0; i < n; i++, p += 4) {
		base[i] = ((u64)fdt32_to_cpu(p[0]) << 32) | fdt32_to_cpu(p[1]);
		size[i] = ((u64)fdt32_to_cpu(p[2]) << 32) | fdt32_to_cpu(p[3]);
	}
	return n;
}

static const char *def_string(const struct mv_guest *g, const char *prop)
{
	int len;
	const char *s = fdt_getprop(g->def, 0, prop, &len);

	return s && len > 0 && !s[len - 1] ? s : NULL;
}

/* The named ranges of a guest must not overlap. */
struct named_range {
	u64 base, size;
	char what[48];
};

static int check_overlaps(struct mv_guest *g, struct named_range *r,
			  unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = i + 1; j < n; j++)
			if (r[i].base < r[j].base + r[j].size &&
			    r[j].base < r[i].base + r[i].size) {
				mv_log(MV_LOG_ERR, "guest %s: %s [0x%lx, "
				       "0x%lx) overlaps %s [0x%lx, 0x%lx)\n",
				       g->name, r[i].what,
				       (unsigned long)r[i].base,
				       (unsigned long)(r[i].base + r[i].size),
				       r[j].what, (unsigned long)r[j].base,
				       (unsigned long)(r[j].base + r[j].size));
				return -MV_EINVAL;
			}
	return 0;
}

static int parse_memory(struct mv_guest *g)
{
	u64 base[MV_GUEST_MAX_REGIONS], size[MV_GUEST_MAX_REGIONS];
	u64 total = 0, free_bytes;
	int n = read_ranges(g->def, 0, "memory", base, size,
			    MV_GUEST_MAX_REGIONS);

	if (n == -MV_ENOENT) {
		mv_log(MV_LOG_ERR, "guest %s: no memory property\n", g->name);
		return n;
	}
	if (n < 0) {
		mv_log(MV_LOG_ERR, "guest %s: memory must be 1 to %u <base "
		       "size> pairs of 64-bit numbers\n", g->name,
		       MV_GUEST_MAX_REGIONS);
		return n;
	}
	for (int i = 0; i < n; i++) {
		if (!size[i] || (base[i] | size[i]) & (MV_PAGE_SIZE - 1) ||
		    base[i] + size[i] < base[i] ||
		    base[i] + size[i] > mv_arch_ipa_limit()) {
			mv_log(MV_LOG_ERR, "guest %s: memory region [0x%lx, "
			       "+0x%lx) is empty, not 4 KiB aligned or beyond "
			       "the %lu GiB guest address space\n", g->name,
			       (unsigned long)base[i], (unsigned long)size[i],
			       (unsigned long)(mv_arch_ipa_limit() >> 30));
			return -MV_EINVAL;
		}
		g->regions[i].ipa = base[i];
		g->regions[i].size = size[i];
		total += size[i];
	}
	g->nr_regions = n;
	free_bytes = mv_page_free_count() * MV_PAGE_SIZE;
	/* What other guests may still take is not free. */
	free_bytes -= MV_MIN(free_bytes, MV_READ_ONCE(ram_reserved));
	if (total > free_bytes) {
		mv_log(MV_LOG_ERR, "guest %s: needs %lu MiB of RAM, the host "
		       "has %lu MiB free\n", g->name,
		       (unsigned long)(total >> 20),
		       (unsigned long)(free_bytes >> 20));
		return -MV_ENOMEM;
	}
	return 0;
}

/* RAM, the vGIC and every device's registers: no two may overlap. */
static int check_layout(struct mv_guest *g)
{
	struct named_range r[MV_GUEST_MAX_REGIONS + MV_GUEST_MAX_DEVICES + 4];
	u64 rbase[4], rsize[4];
	unsigned int n = 0, nr_arch;
	int devices = fdt_subnode_offset(g->def, 0, "devices"), dev;

	for (unsigned int i = 0; i < g->nr_regions; i++, n++) {
		r[n].base = g->regions[i].ipa;
		r[n].size = g->regions[i].size;
		mv_snprintf(r[n].what, sizeof(r[n].what), "memory region %u",
			    i);
	}
	nr_arch = mv_arch_guest_reserved(g, rbase, rsize, 4);
	for (unsigned int i = 0; i < nr_arch; i++, n++) {
		r[n].base = rbase[i];
		r[n].size = rsize[i];
		mv_snprintf(r[n].what, sizeof(r[n].what),
			    "the interrupt controller");
	}
	if (devices >= 0) {
		fdt_for_each_subnode(dev, g->def, devices) {
			u64 base, size;

			if (read_ranges(g->def, dev, "reg", &base, &size, 1) !=
			    1)
				continue;	/* reported by emulate.c */
			if (n == MV_ARRAY_SIZE(r)) {
				mv_log(MV_LOG_ERR, "guest %s: more than %u "
				       "devices\n", g->name,
				       MV_GUEST_MAX_DEVICES);
				return -MV_E2BIG;
			}
			r[n].base = base;
			r[n].size = size;
			mv_snprintf(r[n].what, sizeof(r[n].what), "%s",
				    fdt_get_name(g->def, dev, NULL));
			n++;
		}
	}
	g->ipa_top = 0;
	for (unsigned int i = 0; i < n; i++)
		g->ipa_top = MV_MAX(g->ipa_top, r[i].base + r[i].size);
	return check_overlaps(g, r, n);
}

/* --- Images ----------------------------------------------------------- */

static const void *initrd_file(struct mv_guest *g, const char *prop,
			       const char *path, size_t *size)
{
	const void *data = mv_boot_initrd ?
		mv_initrd_data(mv_boot_initrd, path, size) : NULL;

	if (!data)
		mv_log(MV_LOG_ERR, "guest %s: %s \"%s\": no such file in the "
		       "initrd\n", g->name, prop, path);
	return data;
}

/*
 * Put kernel, initrd and DTB into the guest's first RAM region the way
 * the arm64 boot protocol wants: the Image at a 2 MiB-aligned base plus
 * its text_offset, the DTB 8-byte aligned in the last 2 MiB (under
 * 512 MiB from the kernel), the initrd below the DTB.
 */
static int load_images(struct mv_guest *g)
{
	const struct mv_guest_region *ram = &g->regions[0];
	const char *kpath = def_string(g, "kernel");
	const char *ipath = def_string(g, "initrd");
	const char *dpath = def_string(g, "dtb");
	const void *kernel, *initrd = NULL, *dtb;
	size_t ksize, isize = 0, dsize;
	u64 kload, kend, top, dtb_ipa, initrd_ipa = 0;
	void *built = NULL;
	int err;

	if (!kpath) {
		mv_log(MV_LOG_ERR, "guest %s: no kernel property\n", g->name);
		return -MV_EINVAL;
	}
	kernel = initrd_file(g, "kernel", kpath, &ksize);
	if (!kernel || (ipath && !(initrd = initrd_file(g, "initrd", ipath,
							 &isize))))
		return -MV_ENOENT;
	kload = (ram->ipa + MV_MIB(2) - 1) & ~(MV_MIB(2) - 1);
	kend = kload + ksize;
	if (ksize >= sizeof(struct image_header)) {
		struct image_header h;

		memcpy(&h, kernel, sizeof(h));
		if (h.magic == IMAGE_MAGIC) {
			/* image_size 0: an old kernel at a fixed offset. */
			kload += h.image_size ? h.text_offset :
						IMAGE_OLD_TEXT_OFFSET;
			kend = kload + (h.image_size > ksize ? h.image_size :
							       ksize);
		}
	}
	top = ram->ipa + ram->size;
	if (top - kload > MV_MIB(512))
		top = kload + MV_MIB(512);
	dtb_ipa = top - DTB_MAX_SIZE;
	if (initrd) {
		initrd_ipa = (dtb_ipa - isize) & ~(MV_PAGE_SIZE - 1);
		if (isize > dtb_ipa - kend || initrd_ipa < kend) {
			mv_log(MV_LOG_ERR, "guest %s: kernel (%zu KiB) and "
			       "initrd (%zu KiB) do not fit in its first "
			       "memory region\n", g->name, ksize >> 10,
			       isize >> 10);
			return -MV_E2BIG;
		}
	} else if (kend > dtb_ipa) {
		mv_log(MV_LOG_ERR, "guest %s: kernel %s (%lu KiB in memory) "
		       "does not fit in its first memory region\n", g->name,
		       kpath, (unsigned long)((kend - kload) >> 10));
		return -MV_E2BIG;
	}
	if (dpath) {
		dtb = initrd_file(g, "dtb", dpath, &dsize);
		if (!dtb)
			return -MV_ENOENT;
		if (dsize > DTB_MAX_SIZE || fdt_check_header(dtb) ||
		    fdt_totalsize(dtb) > dsize) {
			mv_log(MV_LOG_ERR, "guest %s: dtb %s is not a valid "
			       "DTB of at most 2 MiB\n", g->name, dpath);
			return -MV_EINVAL;
		}
	} else {
		err = mv_guest_fdt_build(g, def_string(g, "bootargs"),
					 initrd_ipa, initrd_ipa + isize,
					 &built, &dsize);
		if (err) {
			mv_log(MV_LOG_ERR, "guest %s: cannot build its DTB "
			       "(%s)\n", g->name, fdt_strerror(err));
			return -MV_EINVAL;
		}
		dtb = built;
	}
	err = guest_write(g, kload, kernel, ksize);
	if (!err && initrd)
		err = guest_write(g, initrd_ipa, initrd, isize);
	if (!err)
		err = guest_write(g, dtb_ipa, dtb, dsize);
	mv_free(built);
	if (err)
		return err;
	g->entry = kload;
	g->dtb_ipa = dtb_ipa;
	mv_snprintf(g->kernel, sizeof(g->kernel), "%s", kpath);
	return 0;
}

/* --- Create and destroy ---------------------------------------------- */

static void guest_free(struct mv_guest *g)
{
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		mv_vcpu_destroy(g->vcpus[i]);
	mv_emu_destroy_all(g);
	mv_arch_guest_free(g);
	free_ram(g);
	mv_free(g->def);
	mv_free(g);
}

static int parse_vcpus(struct mv_guest *g, int pins[])
{
	u64 n = 1;
	int len;
	const fdt32_t *p;

	if (fdt_getprop(g->def, 0, "vcpus", NULL) &&
	    !mv_dt_read_number(g->def, 0, "vcpus", &n))
		n = 0;
	if (n < 1 || n > MV_GUEST_MAX_VCPUS) {
		mv_log(MV_LOG_ERR, "guest %s: vcpus must be 1 to %u\n",
		       g->name, MV_GUEST_MAX_VCPUS);
		return -MV_EINVAL;
	}
	g->nr_vcpus = n;
	/* host-cpus = <c0 c1 ...>: pin vCPU i to host CPU ci. */
	p = fdt_getprop(g->def, 0, "host-cpus", &len);
	for (unsigned int i = 0; i < n; i++) {
		pins[i] = -1;
		if (!p || (int)(i * 4) >= len)
			continue;
		pins[i] = fdt32_to_cpu(p[i]);
		if ((unsigned int)pins[i] >= mv_nr_cpus ||
		    !mv_cpus[pins[i]].online) {
			mv_log(MV_LOG_ERR, "guest %s: host-cpus: vcpu%u on "
			       "host CPU %d, which is not online\n", g->name,
			       i, pins[i]);
			return -MV_EINVAL;
		}
	}
	return 0;
}

static int guest_create(const void *src, int node, const char *name)
{
	int pins[MV_GUEST_MAX_VCPUS];
	struct mv_guest *g;
	const char *compat;
	int err;

	if (!*name || strlen(name) >= MV_GUEST_NAME_MAX ||
	    strchr(name, '/') || strchr(name, ' ')) {
		mv_log(MV_LOG_ERR, "guest: \"%s\" is not a guest name (1 to "
		       "%u characters, no '/' or space)\n", name,
		       MV_GUEST_NAME_MAX - 1);
		return -MV_EINVAL;
	}
	if (!virt_ready) {
		mv_log(MV_LOG_ERR, "guest %s: this host cannot run guests\n",
		       name);
		return -MV_ENODEV;
	}
	if (find_guest(name)) {
		mv_log(MV_LOG_ERR, "guest %s: already exists\n", name);
		return -MV_EEXIST;
	}
	compat = fdt_getprop(src, node, "compatible", NULL);
	if (!compat || strcmp(compat, "modvisor,guest")) {
		mv_log(MV_LOG_ERR, "guest %s: not a guest definition "
		       "(compatible must be \"modvisor,guest\")\n", name);
		return -MV_EINVAL;
	}
	g = mv_zalloc(sizeof(*g));
	if (!g)
		return -MV_ENOMEM;
	mv_snprintf(g->name, sizeof(g->name), "%s", name);
	mv_spin_init(&g->ram_lock);
	g->def = extract_definition(src, node);
	if (!g->def) {
		mv_log(MV_LOG_ERR, "guest %s: cannot copy its definition\n",
		       name);
		mv_free(g);
		return -MV_ENOMEM;
	}
	err = parse_vcpus(g, pins);
	if (!err)
		err = parse_memory(g);
	if (!err)
		err = check_layout(g);
	if (err) {
		mv_free(g->def);
		mv_free(g);
		return err;
	}
	g->state = MV_GUEST_LOADED;
	err = mv_arch_guest_init(g);
	if (err) {
		mv_free(g->def);
		mv_free(g);
		return err;
	}
	for (unsigned int i = 0; !err && i < g->nr_regions; i++) {
		err = alloc_region(g, &g->regions[i]);
		if (err)
			mv_log(MV_LOG_ERR, "guest %s: out of host memory for "
			       "memory region %u (%lu MiB)\n", name, i,
			       (unsigned long)(g->regions[i].size >> 20));
	}
	/* Devices may look at vCPUs (interrupt routing): vCPUs first. */
	for (unsigned int i = 0; !err && i < g->nr_vcpus; i++) {
		g->vcpus[i] = mv_vcpu_create(g, i, pins[i]);
		if (!g->vcpus[i]) {
			mv_log(MV_LOG_ERR, "guest %s: cannot create vcpu%u\n",
			       name, i);
			err = -MV_ENOMEM;
		}
	}
	if (err) {
		/* Only the vCPUs that exist are destroyed. */
		for (g->nr_vcpus = 0; g->nr_vcpus < MV_GUEST_MAX_VCPUS &&
				      g->vcpus[g->nr_vcpus];)
			g->nr_vcpus++;
	}
	if (!err) {
		mv_arch_guest_irq_reset(g);
		err = mv_emu_create_all(g);
	}
	if (!err)
		err = load_images(g);
	if (err) {
		guest_free(g);
		return err;
	}
	mv_list_add_tail(&g->node, &guests);
	nr_guests++;
	mv_log(MV_LOG_INFO, "guest %s: created: %u vCPU%s, %lu MiB at "
	       "0x%lx, %u device%s, kernel %s\n", name, g->nr_vcpus,
	       g->nr_vcpus == 1 ? "" : "s",
	       (unsigned long)(g->regions[0].size >> 20),
	       (unsigned long)g->regions[0].ipa, g->nr_devices,
	       g->nr_devices == 1 ? "" : "s", g->kernel);
	return 0;
}

/* "tg0" or "/guests/tg0" in the boot DT, else a DTB file in the initrd. */
int mv_guest_create(const char *spec)
{
	const void *fdt = mv_boot_fdt;
	void *copy = NULL;
	char path[96];
	const char *name;
	int node = -1, err;

	if (!spec || !*spec)
		return -MV_EINVAL;
	if (spec[0] == '/')
		mv_snprintf(path, sizeof(path), "%s", spec);
	else
		mv_snprintf(path, sizeof(path), "/guests/%s", spec);
	if (fdt)
		node = fdt_path_offset(fdt, path);
	if (node < 0 && mv_boot_initrd) {
		size_t size;
		const void *blob = mv_initrd_data(mv_boot_initrd, spec, &size);

		if (blob) {
			int guests;

			/* libfdt wants 8-byte alignment; cpio gives 4. */
			copy = mv_malloc(size ? size : 1);
			if (!copy)
				return -MV_ENOMEM;
			memcpy(copy, blob, size);
			fdt = copy;
			if (size < sizeof(struct fdt_header) ||
			    fdt_check_header(fdt) || fdt_totalsize(fdt) > size) {
				mv_log(MV_LOG_ERR, "guest: %s is not a valid "
				       "DTB\n", spec);
				mv_free(copy);
				return -MV_EINVAL;
			}
			/* Its root, or the single node under /guests. */
			node = 0;
			guests = fdt_path_offset(fdt, "/guests");
			if (guests >= 0)
				node = fdt_first_subnode(fdt, guests);
		}
	}
	if (node < 0) {
		mv_log(MV_LOG_ERR, "guest: %s: no such guest node in the boot "
		       "DT, nor a DTB file in the initrd\n", spec);
		mv_free(copy);
		return -MV_ENOENT;
	}
	name = fdt_get_name(fdt, node, NULL);
	if (node == 0) {
		/* A root node has no name: the file's, without extension. */
		const char *base = strrchr(spec, '/');

		mv_snprintf(path, sizeof(path), "%s", base ? base + 1 : spec);
		if (strchr(path, '.'))
			*strchr(path, '.') = 0;
		name = path;
	}
	mv_mutex_lock(&guests_lock);
	err = guest_create(fdt, node, name);
	mv_mutex_unlock(&guests_lock);
	mv_free(copy);
	return err;
}

/* --- Control ---------------------------------------------------------- */

static void set_state(struct mv_guest *g, enum mv_guest_state s)
{
	MV_WRITE_ONCE(g->state, s);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Fresh images, devices and interrupt state; vCPU 0 at the entry. */
static int reboot(struct mv_guest *g)
{
	int err;

	/* After a PSCI SYSTEM_OFF vCPUs may still be on their way out. */
	mv_vcpus_park(g);
	err = load_images(g);
	if (err)
		return err;
	mv_emu_reset_all(g);
	mv_arch_guest_irq_reset(g);
	mv_vcpus_power_on_boot(g);
	set_state(g, MV_GUEST_RUNNING);
	mv_vcpus_unpark(g);
	return 0;
}

enum control { C_START, C_STOP, C_PAUSE, C_RESUME, C_RESET, C_DESTROY };

static int control_locked(struct mv_guest *g, enum control c)
{
	static const char *const verbs[] = {
		"start", "stop", "pause", "resume", "reset", "destroy",
	};
	enum mv_guest_state s = g->state;
	int err = 0;

	switch (c) {
	case C_START:
		if (s == MV_GUEST_LOADED) {
			mv_vcpus_power_on_boot(g);
			set_state(g, MV_GUEST_RUNNING);
			mv_vcpus_unpark(g);
			goto done;
		}
		if (s != MV_GUEST_STOPPED)
			break;
		g->resets++;
		err = reboot(g);
		goto done;
	case C_STOP:
	case C_PAUSE:
		if (s != MV_GUEST_RUNNING && (c == C_PAUSE ||
					      s != MV_GUEST_PAUSED))
			break;
		set_state(g, c == C_STOP ? MV_GUEST_STOPPED : MV_GUEST_PAUSED);
		mv_vcpus_park(g);
		goto done;
	case C_RESUME:
		if (s != MV_GUEST_PAUSED)
			break;
		set_state(g, MV_GUEST_RUNNING);
		mv_vcpus_unpark(g);
		goto done;
	case C_RESET:
		if (s == MV_GUEST_LOADED)
			break;
		set_state(g, MV_GUEST_STOPPED);
		mv_vcpus_park(g);
		g->resets++;
		err = reboot(g);
		goto done;
	case C_DESTROY:
		set_state(g, MV_GUEST_STOPPED);
		mv_vcpus_park(g);
		mv_list_del(&g->node);
		nr_guests--;
		mv_log(MV_LOG_INFO, "guest %s: destroyed\n", g->name);
		guest_free(g);
		return 0;
	}
	mv_log(MV_LOG_ERR, "guest %s: cannot %s a %s guest\n", g->name,
	       verbs[c], mv_guest_state_name(s));
	return -MV_EBUSY;
done:
	if (err)
		mv_log(MV_LOG_ERR, "guest %s: %s failed\n", g->name, verbs[c]);
	else
		mv_log(MV_LOG_INFO, "guest %s: %s\n", g->name,
		       mv_guest_state_name(g->state));
	return err;
}

static int control(const char *name, enum control c)
{
	struct mv_guest *g;
	int err;

	mv_mutex_lock(&guests_lock);
	g = name ? find_guest(name) : NULL;
	if (!g) {
		mv_log(MV_LOG_ERR, "guest: %s: no such guest\n",
		       name ? name : "(null)");
		err = -MV_ENOENT;
	} else {
		err = control_locked(g, c);
	}
	mv_mutex_unlock(&guests_lock);
	return err;
}

int mv_guest_start(const char *name) { return control(name, C_START); }
int mv_guest_stop(const char *name) { return control(name, C_STOP); }
int mv_guest_pause(const char *name) { return control(name, C_PAUSE); }
int mv_guest_resume(const char *name) { return control(name, C_RESUME); }
int mv_guest_reset(const char *name) { return control(name, C_RESET); }
int mv_guest_destroy(const char *name) { return control(name, C_DESTROY); }

/* PSCI SYSTEM_RESET runs here, away from the vCPU that asked for it. */
static void reset_worker(void *arg)
{
	char *name = arg;

	mv_guest_reset(name);
	mv_free(name);
}

void mv_vcpu_psci_system(struct mv_vcpu *caller, bool reset)
{
	struct mv_guest *g = caller->guest;
	char *name;

	mv_log(MV_LOG_INFO, "guest %s: vcpu%u asked for PSCI %s\n", g->name,
	       caller->index, reset ? "SYSTEM_RESET" : "SYSTEM_OFF");
	/* Every vCPU of the guest leaves it now; nobody waits for that. */
	set_state(g, MV_GUEST_STOPPED);
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		if (g->vcpus[i] != caller)
			mv_vcpu_kick(g->vcpus[i]);
	if (!reset)
		return;
	name = mv_malloc(MV_GUEST_NAME_MAX);
	if (name)
		mv_snprintf(name, MV_GUEST_NAME_MAX, "%s", g->name);
	if (!name || !mv_thread_create("guest-reset", reset_worker, name,
				       MV_PRIO_NORMAL, MV_CPU_ANY)) {
		mv_free(name);
		mv_log(MV_LOG_ERR, "guest %s: cannot reset it: stopped\n",
		       g->name);
	}
}

/* --- Information ------------------------------------------------------ */

static void fill_info(const struct mv_guest *g, struct mv_guest_info *info)
{
	u64 tables;

	memset(info, 0, sizeof(*info));
	mv_snprintf(info->name, sizeof(info->name), "%s", g->name);
	info->state = g->state;
	info->vcpus = g->nr_vcpus;
	info->ram_base = g->regions[0].ipa;
	info->ram_size = g->regions[0].size;
	for (unsigned int i = 0; i < g->nr_regions; i++)
		info->ram_total += g->regions[i].size;
	info->regions = g->nr_regions;
	info->devices = g->nr_devices;
	mv_snprintf(info->kernel, sizeof(info->kernel), "%s", g->kernel);
	info->resets = g->resets;
	mv_arch_stage2_layout(g, &info->ipa_bits, &info->s2_levels, &tables);
	info->s2_table_bytes = tables * MV_PAGE_SIZE;
}

unsigned int mv_guest_count(void)
{
	return MV_READ_ONCE(nr_guests);
}

int mv_guest_info_at(unsigned int n, struct mv_guest_info *info)
{
	struct mv_list *pos;
	int err = -MV_ENOENT;

	mv_mutex_lock(&guests_lock);
	mv_list_for_each(pos, &guests) {
		if (n-- == 0) {
			fill_info(mv_list_entry(pos, struct mv_guest, node),
				  info);
			err = 0;
			break;
		}
	}
	mv_mutex_unlock(&guests_lock);
	return err;
}

int mv_guest_info(const char *name, struct mv_guest_info *info)
{
	struct mv_guest *g;

	mv_mutex_lock(&guests_lock);
	g = find_guest(name);
	if (g)
		fill_info(g, info);
	mv_mutex_unlock(&guests_lock);
	return g ? 0 : -MV_ENOENT;
}

int mv_vcpu_info(const char *guest, unsigned int index,
		 struct mv_vcpu_info *info)
{
	struct mv_guest *g;
	int err = -MV_ENOENT;

	mv_mutex_lock(&guests_lock);
	g = find_guest(guest);
	if (g && index < g->nr_vcpus) {
		struct mv_vcpu *v = g->vcpus[index];

		memset(info, 0, sizeof(*info));
		mv_snprintf(info->guest, sizeof(info->guest), "%s", g->name);
		info->index = index;
		info->state = v->state;
		info->host_cpu = v->host_cpu;
		info->pinned = v->pinned;
		info->moves = v->moves;
		memcpy(info->exits, v->exits, sizeof(info->exits));
		err = 0;
	}
	mv_mutex_unlock(&guests_lock);
	return err;
}

/* --- Boot ------------------------------------------------------------- */

void mv_guests_init(void)
{
	virt_ready = mv_arch_virt_init() == 0;
}

void mv_guests_boot(const void *fdt)
{
	int guests = fdt_path_offset(fdt, "/guests"), node;
	unsigned int created = 0, started = 0;

	if (guests < 0)
		return;
	if (!virt_ready)
		return;
	fdt_for_each_subnode(node, fdt, guests) {
		const char *name = fdt_get_name(fdt, node, NULL);
		const char *status = fdt_getprop(fdt, node, "status", NULL);

		if (status && strcmp(status, "okay") && strcmp(status, "ok"))
			continue;
		mv_mutex_lock(&guests_lock);
		if (guest_create(fdt, node, name) == 0)
			created++;
		mv_mutex_unlock(&guests_lock);
	}
	/* modvisor.noautostart: create them all, start none (debugging). */
	if (mv_bootarg_has(mv_boot_bootargs, "modvisor.noautostart")) {
		mv_log(MV_LOG_INFO, "guest: %u created, none started "
		       "(modvisor.noautostart)\n", created);
		return;
	}
	fdt_for_each_subnode(node, fdt, guests) {
		const char *name = fdt_get_name(fdt, node, NULL);

		if (fdt_getprop(fdt, node, "autostart", NULL) &&
		    find_guest(name) && mv_guest_start(name) == 0)
			started++;
	}
	if (created || started)
		mv_log(MV_LOG_INFO, "guest: %u created, %u started\n",
		       created, started);
}
