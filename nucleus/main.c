// SPDX-License-Identifier: GPL-2.0
/*
 * Arch-independent boot flow (DESIGN §3): console first, so every later
 * failure is printed; then memory, MMU, allocators, interrupts, timer,
 * scheduler and the other CPUs; then the banner.
 */
#include <mv/console.h>
#include <mv/cpu.h>
#include <mv/devtree.h>
#include <mv/entropy.h>
#include <mv/guest.h>
#include <mv/heap.h>
#include <mv/log.h>
#include <mv/memmap.h>
#include <mv/mmu.h>
#include <mv/modload.h>
#include <mv/module.h>
#include <mv/nucleus.h>
#include <mv/page_alloc.h>
#include <mv/smp.h>
#include <mv/time.h>
#include <libfdt.h>
#include <string.h>

extern char _start[], _end[];

bool mv_log_debug;
const char *mv_boot_bootargs = "";
static struct mv_memmap boot_memmap;

static __mv_noreturn void boot_fail(void)
{
	mv_log(MV_LOG_ERR, "nucleus: cannot boot; halted\n");
	mv_arch_halt();
}

static void check_dtb(const void *fdt)
{
	int err;

	if (!fdt || ((uintptr_t)fdt & 7)) {
		mv_console_use_fallback();
		mv_log(MV_LOG_ERR,
		       "devtree: no usable DTB: the boot loader passed %p "
		       "(must be a non-zero, 8-byte aligned address)\n", fdt);
		boot_fail();
	}
	err = fdt_check_header(fdt);
	if (err) {
		mv_console_use_fallback();
		mv_log(MV_LOG_ERR,
		       "devtree: the DTB at %p has a corrupt header: %s "
		       "(magic %08x, totalsize %u)\n", fdt, fdt_strerror(err),
		       fdt32_ld((const fdt32_t *)fdt),
		       fdt32_ld((const fdt32_t *)fdt + 1));
		boot_fail();
	}
}

static void reserve_chosen_initrd(const void *fdt, struct mv_memmap *map)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	u64 start, end;

	if (chosen < 0 ||
	    !mv_dt_read_number(fdt, chosen, "linux,initrd-start", &start) ||
	    !mv_dt_read_number(fdt, chosen, "linux,initrd-end", &end))
		return;
	if (end > start)
		mv_memmap_reserve(map, start, end - start);
}

/*
 * Module memory sits right after the image, in usable RAM (module_mem.c
 * says why); without room, modules cannot load but the nucleus runs.
 */
static void reserve_module_arena(struct mv_memmap *map)
{
	u64 start = MV_ALIGN_UP((u64)(uintptr_t)_end, MV_MIB(2));
	u64 end = start + MV_MODULE_ARENA_SIZE;

	for (unsigned int i = 0; i < map->nr_usable; i++) {
		struct mv_mem_range *r = &map->usable[i];

		if (start >= r->start && end <= r->start + r->size) {
			mv_memmap_reserve(map, start, MV_MODULE_ARENA_SIZE);
			if (mv_memmap_compute(map) == 0) {
				mv_module_arena.start = start;
				mv_module_arena.size = MV_MODULE_ARENA_SIZE;
				return;
			}
		}
	}
	mv_log(MV_LOG_WARN, "module: no free RAM after the nucleus for module "
	       "memory; modules cannot be loaded\n");
}

/* RAM from every /memory node, minus what must not be handed out. */
static void discover_memory(const void *fdt, struct mv_memmap *map)
{
	int node, rsv, i, n, err;
	u64 addr, size;

	memset(map, 0, sizeof(*map));
	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
						   "memory", 7);
	     node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type",
						   "memory", 7)) {
		n = mv_dt_reg_count(fdt, node);
		for (i = 0; i < n; i++) {
			if (mv_dt_reg(fdt, node, i, &addr, &size) == 0 && size)
				mv_memmap_add_ram(map, addr, size);
		}
	}
	if (!map->nr_ram) {
		mv_log(MV_LOG_ERR,
		       "memory: the DTB has no /memory node with a usable reg: "
		       "cannot tell where RAM is\n");
		boot_fail();
	}
	n = fdt_num_mem_rsv(fdt);
	for (i = 0; i < n; i++) {
		if (fdt_get_mem_rsv(fdt, i, &addr, &size) == 0 && size)
			mv_memmap_reserve(map, addr, size);
	}
	rsv = fdt_path_offset(fdt, "/reserved-memory");
	if (rsv >= 0) {
		fdt_for_each_subnode(node, fdt, rsv) {
			n = mv_dt_reg_count(fdt, node);
			for (i = 0; i < n; i++)
				if (mv_dt_reg(fdt, node, i, &addr, &size) == 0)
					mv_memmap_reserve(map, addr, size);
		}
	}
	mv_memmap_reserve(map, (uintptr_t)_start, _end - _start);
	mv_memmap_reserve(map, (uintptr_t)fdt, fdt_totalsize(fdt));
	reserve_chosen_initrd(fdt, map);
	err = mv_memmap_compute(map);
	if (!err)
		reserve_module_arena(map);
	if (err || !map->nr_usable) {
		mv_log(MV_LOG_ERR,
		       "memory: no usable RAM left after reservations (%d)\n",
		       err);
		boot_fail();
	}
}

u64 mv_boot_ram_total(void)
{
	return mv_memmap_total(&boot_memmap);
}

u64 mv_hypervisor_ram_used(void)
{
	/* Guest RAM is the guests', not the hypervisor's (DESIGN §8). */
	return (u64)(_end - _start) + mv_module_mem_used() +
	       (mv_page_total_count() - mv_page_free_count()) * MV_PAGE_SIZE -
	       mv_guest_ram_allocated();
}

static void print_banner(u64 boot_ns)
{
	u64 total = mv_memmap_total(&boot_memmap);
	u64 free = mv_page_free_count() * MV_PAGE_SIZE;
	u64 used = mv_hypervisor_ram_used();

	mv_log(MV_LOG_INFO, "Modvisor %s (%s)\n", MV_VERSION, mv_arch_name());
	mv_log(MV_LOG_INFO, "  CPUs online: %u of %u\n", mv_cpus_online(),
	       mv_nr_cpus);
	mv_log(MV_LOG_INFO,
	       "  memory: %lu MiB total, %lu KiB free, hypervisor uses %lu KiB "
	       "(image %lu KiB)\n", (unsigned long)(total >> 20),
	       (unsigned long)(free >> 10), (unsigned long)(used >> 10),
	       (unsigned long)((_end - _start) >> 10));
	mv_log(MV_LOG_INFO, "  boot time: %lu.%03lu ms\n",
	       (unsigned long)(boot_ns / 1000000),
	       (unsigned long)(boot_ns / 1000 % 1000));
}

/* Load what /chosen/modvisor,modules and modvisor.modules=a,b name. */
static void load_boot_modules(const void *fdt, const char *bootargs)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *list, *p;
	int len = 0;

	list = chosen >= 0 ? fdt_getprop(fdt, chosen, "modvisor,modules", &len)
			   : NULL;
	for (p = list; p && p < list + len; p += strlen(p) + 1)
		mv_module_request(p, "from /chosen/modvisor,modules");
	p = strstr(bootargs, "modvisor.modules=");
	if (p && (p == bootargs || p[-1] == ' ')) {
		char name[64];

		p += strlen("modvisor.modules=");
		while (*p && *p != ' ') {
			size_t n = strcspn(p, ", ");

			if (n && n < sizeof(name)) {
				memcpy(name, p, n);
				name[n] = '\0';
				mv_module_request(name, "from the boot arguments");
			}
			p += n;
			if (*p == ',')
				p++;
		}
	}
}

static struct mv_waitq boot_waiters;
static bool boot_done;

/* Block until the boot (module autoload) is over, e.g. for a prompt. */
void mv_wait_boot_done(void)
{
	mv_wait_event(&boot_waiters, MV_READ_ONCE(boot_done));
}

/* The rest of the boot, in a thread: module init may sleep. */
static void late_init(void *arg)
{
	const char *bootargs = arg;

	mv_console_enable_input();
	/* The board overlay may replace mv_boot_fdt: read it afterwards. */
	if (mv_modload_init(mv_boot_fdt) == 0) {
		load_boot_modules(mv_boot_fdt, bootargs);
		mv_autoload(mv_boot_fdt);
		mv_guests_boot(mv_boot_fdt);
	}
	mv_log(MV_LOG_INFO, "nucleus: ready\n");
	MV_WRITE_ONCE(boot_done, true);
	mv_waitq_wake_all(&boot_waiters);
}

void mv_nucleus_main(const void *fdt)
{
	const char *bootargs;

	check_dtb(fdt);
	mv_boot_fdt = fdt;
	if (mv_console_init(fdt) < 0)
		boot_fail();
	bootargs = mv_dt_bootargs(fdt);
	mv_boot_bootargs = bootargs;
	mv_log_debug = mv_bootarg_has(bootargs, "modvisor.debug");
	mv_log(MV_LOG_INFO, "nucleus: Modvisor %s starting, console %s\n",
	       MV_VERSION, mv_console_name());

	discover_memory(fdt, &boot_memmap);
	if (mv_arch_mmu_init(&boot_memmap) < 0)
		boot_fail();
	for (unsigned int i = 0; i < boot_memmap.nr_usable; i++)
		mv_page_add_region(boot_memmap.usable[i].start,
				   boot_memmap.usable[i].size);

	if (mv_smp_discover(fdt) < 0)
		boot_fail();
	if (mv_arch_irq_init(fdt) < 0 || mv_arch_irq_init_cpu() < 0 ||
	    mv_arch_timer_init(fdt) < 0)
		boot_fail();
	mv_arch_timer_init_cpu();
	mv_entropy_init((void *)fdt);	/* takes the seed out of it */
	mv_guests_init();
	mv_arch_virt_init_cpu();
	mv_sched_init_cpu();
	mv_this_cpu()->online = true;
	mv_arch_irq_enable();
	mv_smp_boot_secondaries();

	print_banner(mv_time_ns());
	mv_waitq_init(&boot_waiters);
	if (!mv_thread_create("init", late_init, (void *)bootargs,
			      MV_PRIO_NORMAL, 0))
		mv_panic("nucleus: cannot start the init thread\n");
	mv_sched_idle_loop();
}
