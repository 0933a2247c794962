// SPDX-License-Identifier: GPL-2.0
/*
 * The module ABI: every nucleus symbol a module may use, in one place.
 * Changing a signature here means bumping MV_ABI_MAGIC
 * (module-sdk/include/modvisor/module.h). The build writes the names to
 * nucleus.exports for mvmod.
 */
#include <mv/heap.h>
#include <mv/log.h>
#include <mv/console.h>
#include <mv/devtree.h>
#include <mv/modload.h>
#include <mv/mmu.h>
#include <mv/module.h>
#include <mv/guest.h>
#include <modvisor/command.h>
#include <modvisor/nucleus.h>
#include <mv/mutex.h>
#include <mv/page_alloc.h>
#include <mv/sched.h>
#include <mv/time.h>
#include <stdlib.h>
#include <string.h>

/* The C library functions the compiler may emit calls to (DESIGN §4). */
MV_EXPORT(memcpy);
MV_EXPORT(memmove);
MV_EXPORT(memset);
MV_EXPORT(memcmp);
MV_EXPORT(memchr);
MV_EXPORT(strlen);
MV_EXPORT(strnlen);
MV_EXPORT(strcmp);
MV_EXPORT(strncmp);
MV_EXPORT(strchr);
MV_EXPORT(strrchr);
MV_EXPORT(strtoul);

MV_EXPORT(mv_log);
MV_EXPORT(mv_panic);
MV_EXPORT(mv_snprintf);
MV_EXPORT(mv_vsnprintf);

MV_EXPORT(mv_malloc);
MV_EXPORT(mv_zalloc);
MV_EXPORT(mv_calloc);
MV_EXPORT(mv_free);
MV_EXPORT(mv_page_alloc);
MV_EXPORT(mv_page_alloc_zeroed);
MV_EXPORT(mv_page_free);

MV_EXPORT(mv_time_ns);
MV_EXPORT(mv_ns_to_ticks);
MV_EXPORT(mv_ticks_to_ns);

MV_EXPORT(mv_thread_create);
MV_EXPORT(mv_thread_exit);
MV_EXPORT(mv_current);
MV_EXPORT(mv_yield);
MV_EXPORT(mv_irq_save);
MV_EXPORT(mv_irq_restore);
MV_EXPORT(mv_sleep_ns);
MV_EXPORT(mv_sleep_until);
MV_EXPORT(mv_waitq_new);
MV_EXPORT(mv_waitq_delete);
MV_EXPORT(mv_waitq_prepare);
MV_EXPORT(mv_waitq_finish);
MV_EXPORT(mv_waitq_wake);
MV_EXPORT(mv_schedule);
MV_EXPORT(mv_mutex_lock);
MV_EXPORT(mv_mutex_unlock);
MV_EXPORT(mv_timer_arm);
MV_EXPORT(mv_timer_cancel);

MV_EXPORT(mv_module_find);
MV_EXPORT(mv_module_get);
MV_EXPORT(mv_module_put);
MV_EXPORT(mv_module_summary);
MV_EXPORT(mv_module_names);
MV_EXPORT(mv_module_index_names);
MV_EXPORT(mv_module_request);
MV_EXPORT(mv_module_unload);

MV_EXPORT(mv_printf);
MV_EXPORT(mv_console_getc);
MV_EXPORT(mv_console_write_raw);
MV_EXPORT(mv_command_find);
MV_EXPORT(mv_command_for_each);
MV_EXPORT(mv_command_run_line);
MV_EXPORT(mv_host_stats);
MV_EXPORT(mv_host_power);
MV_EXPORT(mv_cpu_stats);
MV_EXPORT(mv_bootargs);
MV_EXPORT(mv_bootarg_has);
MV_EXPORT(mv_counter);
MV_EXPORT(mv_arch_return_instruction);
MV_EXPORT(mv_devtree_print);
MV_EXPORT(mv_initrd_print);
MV_EXPORT(mv_initrd_file);
MV_EXPORT(mv_ioremap);
MV_EXPORT(mv_device_request_irq);
MV_EXPORT(mv_wait_boot_done);

MV_EXPORT(mv_dt_string);
MV_EXPORT(mv_dt_u32);
MV_EXPORT(mv_dt_u64);
MV_EXPORT(mv_dt_has);
MV_EXPORT(mv_dt_prop);
MV_EXPORT(mv_dt_boot_node);
MV_EXPORT(mv_emu_irq_set);
MV_EXPORT(mv_emu_guest_ram);
MV_EXPORT(mv_guest_state_name);
MV_EXPORT(mv_vcpu_state_name);
MV_EXPORT(mv_exit_reason_name);
MV_EXPORT(mv_guest_count);
MV_EXPORT(mv_guest_info_at);
MV_EXPORT(mv_guest_info);
MV_EXPORT(mv_vcpu_info);
MV_EXPORT(mv_guest_create);
MV_EXPORT(mv_guest_start);
MV_EXPORT(mv_guest_stop);
MV_EXPORT(mv_guest_pause);
MV_EXPORT(mv_guest_resume);
MV_EXPORT(mv_guest_reset);
MV_EXPORT(mv_guest_destroy);

extern const struct mv_export __mv_exports_start[], __mv_exports_end[];

u64 mv_nucleus_symbol(const char *name)
{
	for (const struct mv_export *e = __mv_exports_start;
	     e < __mv_exports_end; e++)
		if (!strcmp((const char *)&e->name + e->name, name))
			return (uintptr_t)&e->addr + e->addr;
	return 0;
}
