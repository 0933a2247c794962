// SPDX-License-Identifier: GPL-2.0
/*
 * Test guest core: the DT (libfdt), /chosen/bootargs, the exception and
 * interrupt handlers, the virtual timer and the loop that runs the tests
 * the bootargs name.
 */
#include <libfdt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tg.h"

struct dt_info dt;
struct percpu percpu[TG_MAX_CPUS];
u64 cntfrq;
const char *current_test = "boot";
volatile u64 test_failed;

struct frame {
	u64 x[31];
	u64 elr, spsr, pad;
};

static struct jmpbuf test_jb;
static volatile bool in_test;

/* ------------------------------------------------------------------ */
/* Device tree */

int dt_reg(int node, int index, u64 *base, u64 *size)
{
	int parent = fdt_parent_offset(dt.fdt, node), ac, sc, len, i;
	const fdt32_t *p;
	u64 v;

	if (parent < 0)
		return -1;
	ac = fdt_address_cells(dt.fdt, parent);
	sc = fdt_size_cells(dt.fdt, parent);
	if (ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -1;
	p = fdt_getprop(dt.fdt, node, "reg", &len);
	if (!p || len < (int)((index + 1) * (ac + sc) * 4))
		return -1;
	p += index * (ac + sc);
	for (v = 0, i = 0; i < ac; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	*base = v;
	for (v = 0, i = 0; i < sc; i++)
		v = v << 32 | fdt32_to_cpu(p[ac + i]);
	if (size)
		*size = v;
	return 0;
}

static bool node_is(int node, const char *type)
{
	const char *t = fdt_getprop(dt.fdt, node, "device_type", NULL);

	return t && !strcmp(t, type);
}

/* Device regions: reg of every node reachable through empty ranges. */
static void dt_collect_regions(int parent)
{
	int node, i;

	fdt_for_each_subnode(node, dt.fdt, parent) {
		const void *ranges;
		int len;
		u64 b, s;

		if (node_is(node, "memory") || node_is(node, "cpu"))
			continue;
		for (i = 0; dt.nregions < 64 && !dt_reg(node, i, &b, &s); i++) {
			dt.region_base[dt.nregions] = b;
			dt.region_size[dt.nregions++] = s ? s : 0x1000;
		}
		ranges = fdt_getprop(dt.fdt, node, "ranges", &len);
		if (ranges && len == 0)
			dt_collect_regions(node);
	}
}

/* A GIC interrupt specifier <type num flags> as an INTID. */
static unsigned int dt_intid(const fdt32_t *spec)
{
	return fdt32_to_cpu(spec[1]) + (fdt32_to_cpu(spec[0]) == 1 ? 16 : 32);
}

static void dt_parse(u64 dtb)
{
	const void *fdt = (const void *)dtb;
	const char *s;
	const fdt32_t *p;
	int node, len, cpus, gic, cells = 3, uart_node = -1;
	u64 base, size, self;

	dt.fdt = fdt;
	dt.uart = TG_DEFAULT_UART;
	dt.timer_irq = TG_DEFAULT_TIMER_IRQ;
	dt.ptimer_irq = TG_DEFAULT_PTIMER_IRQ;
	dt.bootargs = "";

	if (fdt_check_header(fdt)) {
		tg_printf("tg: FATAL: bad DTB at 0x%lx\n", dtb);
		tg_halt();
	}

	node = fdt_path_offset(fdt, "/chosen");
	if (node >= 0) {
		s = fdt_getprop(fdt, node, "bootargs", NULL);
		if (s)
			dt.bootargs = s;
		s = fdt_getprop(fdt, node, "stdout-path", NULL);
		if (!s)
			s = fdt_getprop(fdt, node, "linux,stdout-path", NULL);
		if (s) {
			const char *colon = strchr(s, ':');
			int n = colon ? colon - s : (int)strlen(s);
			int un = fdt_path_offset_namelen(fdt, s, n);

			if (un >= 0 && !dt_reg(un, 0, &base, NULL)) {
				dt.uart = base;
				uart_node = un;
			}
		}
	}

	gic = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	if (gic < 0)
		gic = fdt_path_offset(fdt, "/intc");
	if (gic < 0 || dt_reg(gic, 0, &dt.gicd, &dt.gicd_size) ||
	    dt_reg(gic, 1, &dt.gicr, &dt.gicr_size)) {
		tg_printf("tg: FATAL: no GICv3 in the DT\n");
		tg_halt();
	}

	p = fdt_getprop(fdt, gic, "#interrupt-cells", NULL);
	if (p)
		cells = fdt32_to_cpu(*p);
	/* Secure physical, non-secure physical, virtual, hypervisor. */
	node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
	if (node < 0)
		node = fdt_path_offset(fdt, "/timer");
	if (node >= 0) {
		p = fdt_getprop(fdt, node, "interrupts", &len);
		if (p && cells >= 2 && len >= 3 * cells * 4) {
			dt.ptimer_irq = dt_intid(p + cells);
			dt.timer_irq = dt_intid(p + 2 * cells);
		}
	}

	/* The console UART's interrupt (the echo test listens to it). */
	if (uart_node < 0) {
		fdt_for_each_subnode(node, fdt, 0) {
			if (!fdt_node_check_compatible(fdt, node, "arm,pl011") &&
			    !dt_reg(node, 0, &base, NULL) && base == dt.uart) {
				uart_node = node;
				break;
			}
		}
	}
	if (uart_node >= 0) {
		p = fdt_getprop(fdt, uart_node, "interrupts", &len);
		if (p && cells >= 2 && len >= cells * 4)
			dt.uart_irq = dt_intid(p);
	}

	node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-1.0");
	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");
	if (node < 0)
		node = fdt_path_offset(fdt, "/psci");
	if (node >= 0) {
		dt.psci_present = true;
		s = fdt_getprop(fdt, node, "method", NULL);
		dt.psci_smc = s && !strcmp(s, "smc");
	}

	self = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
	dt.cpu_mpidr[0] = self;
	dt.ncpus = 1;
	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus >= 0) {
		fdt_for_each_subnode(node, fdt, cpus) {
			u64 mpidr;

			if (!node_is(node, "cpu") || dt_reg(node, 0, &mpidr,
							    NULL))
				continue;
			mpidr &= MPIDR_AFF_MASK;
			if (mpidr == self || dt.ncpus >= TG_MAX_CPUS)
				continue;
			dt.cpu_mpidr[dt.ncpus++] = mpidr;
		}
	}

	fdt_for_each_subnode(node, fdt, 0) {
		if (node_is(node, "memory") && !dt_reg(node, 0, &base, &size)) {
			dt.ram_base = base;
			dt.ram_size = size;
			break;
		}
	}
	dt_collect_regions(0);
}

/* ------------------------------------------------------------------ */
/* bootargs */

const char *bootarg_value(const char *key)
{
	const char *w = dt.bootargs;
	size_t kl = strlen(key);

	while (*w) {
		while (*w == ' ')
			w++;
		if (!strncmp(w, key, kl) && w[kl] == '=')
			return w + kl + 1;
		while (*w && *w != ' ')
			w++;
	}
	return NULL;
}

u64 bootarg_u64(const char *key, u64 def)
{
	const char *v = bootarg_value(key);
	char *end;
	u64 r;

	if (!v)
		return def;
	r = strtoul(v, &end, 0);
	return end == v ? def : r;
}

/* ------------------------------------------------------------------ */
/* Results */

static void result(const char *name, const char *verdict, const char *fmt,
		   va_list ap)
{
	char details[100];

	mv_vsnprintf(details, sizeof(details), fmt, ap);
	tg_printf("tg: %s: %s%s%s\n", name, verdict, details[0] ? " " : "",
		  details);
}

void test_pass(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result(name, "PASS", fmt, ap);
	va_end(ap);
}

void test_fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	test_failed++;
	va_start(ap, fmt);
	result(name, "FAIL", fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* Virtual timer */

u64 ms_to_ticks(u64 ms)
{
	return cntfrq * ms / 1000;
}

u64 us_to_ticks(u64 us)
{
	return cntfrq * us / 1000000;
}

void timer_arm(u64 cval, int mode)
{
	struct percpu *pc = this_cpu();

	pc->timer_mode = mode;
	write_sysreg(cntv_cval_el0, cval);
	write_sysreg(cntv_ctl_el0, 1);
	isb();
}

void timer_stop(void)
{
	write_sysreg(cntv_ctl_el0, 0);
	isb();
}

/* WFI until the timer has fired @count times; 0, or -1 after the timeout. */
int wait_timer(u64 count, u64 timeout_ticks)
{
	struct percpu *pc = this_cpu();
	u64 start = now();

	while (READ_ONCE(pc->timer_fired) < count) {
		irq_disable();
		if (READ_ONCE(pc->timer_fired) < count)
			wfi();
		irq_enable();
		if (now() - start > timeout_ticks)
			return READ_ONCE(pc->timer_fired) < count ? -1 : 0;
	}
	return 0;
}

static void timer_irq(struct percpu *pc, u32 intid, u64 t)
{
	u64 cval = read_sysreg(cntv_cval_el0);
	s64 late = (s64)(t - cval);

	write_sysreg(cntv_ctl_el0, 3);		/* IMASK | ENABLE */
	isb();
	pc->timer_late_sum += late;
	if (late < pc->timer_late_min)
		pc->timer_late_min = late;
	pc->timer_last_now = t;
	pc->timer_last_cval = cval;
	pc->timer_fired++;
	gic_eoi(intid);
	if (pc->timer_mode == TIMER_REARM &&
	    pc->timer_fired < pc->timer_target) {
		write_sysreg(cntv_cval_el0, t + pc->timer_period);
		write_sysreg(cntv_ctl_el0, 1);
		isb();
	}
}

/* ------------------------------------------------------------------ */
/* Exceptions */

static void handle_irq(struct percpu *pc, u64 t)
{
	u32 intid = gic_ack();

	if (intid >= 1020)
		return;
	pc->irqs++;
	pc->irq_active = intid;
	if (intid == dt.timer_irq) {
		timer_irq(pc, intid, t);
		pc->irq_active = -1;
		return;
	}
	if (intid == dt.ptimer_irq) {
		ptimer_irq(pc);
	} else if (dt.uart_irq && intid == dt.uart_irq) {
		uart_rx_irq(pc);
	} else if (intid < 16) {
		pc->sgi_count[intid]++;
		if (pc->idx != 0 && intid == SGI_PING) {
			gic_send_sgi(dt.cpu_mpidr[0], SGI_PONG);
		} else if (pc->idx == 0 && intid == SGI_PONG) {
			pc->last_sgi_time = t;
			WRITE_ONCE(pong_count, pong_count + 1);
		}
	} else {
		pc->unexpected_irqs++;
	}
	gic_eoi(intid);
	pc->irq_active = -1;
}

static const char *const kind_names[] = {
	"sync", "irq", "fiq", "serror", "sp0 exception", "lower-EL exception",
};

static void unexpected(struct percpu *pc, struct frame *f, int kind, u64 esr,
		       u64 far)
{
	tg_printf("tg: cpu%u: unexpected %s ESR=0x%lx ELR=0x%lx FAR=0x%lx\n",
		  pc->idx, kind_names[kind], esr, f->elr, far);
	if (pc->irq_active >= 0) {
		gic_eoi(pc->irq_active);
		pc->irq_active = -1;
	}
	if (pc->idx == 0 && in_test) {
		test_fail(current_test, "unexpected %s EC=0x%lx ELR=0x%lx",
			  kind_names[kind], esr >> 26, f->elr);
		/* Resume in run_test() through tg_longjmp(&test_jb, 1). */
		f->elr = (u64)tg_longjmp;
		f->spsr = 0x3c5;
		f->x[0] = (u64)&test_jb;
		f->x[1] = 1;
		return;
	}
	f->elr = (u64)tg_halt;
	f->spsr = 0x3c5;
}

void exc_handler(struct frame *f, u64 kind)
{
	u64 t = read_sysreg(cntvct_el0);
	struct percpu *pc = this_cpu();
	u64 esr = read_sysreg(esr_el1), far = read_sysreg(far_el1);
	u64 ec = esr >> 26;

	switch (kind) {
	case 0:
		if (pc->fault_mode == FAULT_SKIP &&
		    (ec == EC_UNKNOWN || ec == EC_SYSREG ||
		     ec == EC_DABT_CUR)) {
			pc->faults++;
			pc->last_esr = esr;
			pc->last_far = far;
			pc->last_elr = f->elr;
			f->elr += 4;
			return;
		}
		break;
	case 1:
		handle_irq(pc, t);
		return;
	case 3:
		pc->serrors++;
		if (pc->fault_mode == FAULT_SKIP) {
			pc->faults++;
			pc->last_esr = esr;
			return;
		}
		break;
	default:
		break;
	}
	unexpected(pc, f, kind, esr, far);
}

/* ------------------------------------------------------------------ */
/* CPUs */

void cpu_setup(u64 idx)
{
	struct percpu *pc = &percpu[idx];

	memset(pc, 0, sizeof(*pc));
	pc->idx = idx;
	pc->irq_active = -1;
	pc->timer_late_min = LONG_MAX;
	pc->mpidr = read_sysreg(mpidr_el1) & MPIDR_AFF_MASK;
	write_sysreg(vbar_el1, (u64)vectors);
	write_sysreg(tpidr_el1, (u64)pc);
	isb();
	asm volatile("msr daifset, #8\n\tmsr daifclr, #4" : : : "memory");
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "uart", test_uart },
	{ "timer", test_timer },
	{ "wfi", test_wfi },
	{ "smp", test_smp },
	{ "psci", test_psci },
	{ "trng", test_trng },
	{ "abort", test_abort },
	{ "heartbeat", test_heartbeat },
	{ "spin", test_spin },
	{ "malicious", test_malicious },
	{ "bench", test_bench },
	{ "reset-count", test_reset_count },
	{ "ptimer", test_ptimer },
	{ "fpu", test_fpu },
	{ "echo", test_echo },
	{ "virtio", test_virtio },
	{ "virtio-evil", test_virtio_evil },
	{ "net-evil", test_net_evil },
};

static void run_test(const char *word, size_t len)
{
	static char name[32];
	struct percpu *pc = this_cpu();
	unsigned int i;

	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, word, len);
	name[len] = '\0';
	current_test = name;
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (!strcmp(tests[i].name, name))
			break;
	}
	if (i == sizeof(tests) / sizeof(tests[0])) {
		test_fail(name, "unknown test");
		return;
	}
	if (tg_setjmp(&test_jb) == 0) {
		in_test = true;
		tests[i].fn();
	}
	in_test = false;
	timer_stop();
	pc->fault_mode = FAULT_FATAL;
	pc->timer_mode = TIMER_ONESHOT;
	asm volatile("msr daifclr, #6" : : : "memory");
}

void tg_main(u64 dtb)
{
	struct percpu *pc = this_cpu();
	const char *w;

	dt_parse(dtb);
	console_init(dt.uart);
	cntfrq = read_sysreg(cntfrq_el0);
	tg_printf("tg: Modvisor test guest, EL1, dtb 0x%lx, mpidr 0x%lx\n",
		  dtb, pc->mpidr);
	tg_printf("tg: uart 0x%lx irq %u gicd 0x%lx gicr 0x%lx vtimer %u "
		  "ptimer %u psci %s\n", dt.uart, dt.uart_irq, dt.gicd, dt.gicr,
		  dt.timer_irq, dt.ptimer_irq,
		  !dt.psci_present ? "none" : dt.psci_smc ? "smc" : "hvc");
	tg_printf("tg: cpus %u ram 0x%lx+0x%lx cntfrq %lu pa-limit 0x%lx\n",
		  dt.ncpus, dt.ram_base, dt.ram_size, cntfrq, pa_limit);
	tg_printf("tg: bootargs \"%s\"\n", dt.bootargs);

	gic_dist_init();
	if (gic_cpu_init(pc))
		tg_halt();
	gic_enable_ppi(pc, dt.timer_irq);
	irq_enable();

	for (w = dt.bootargs; *w;) {
		size_t len = 0;

		while (*w == ' ')
			w++;
		while (w[len] && w[len] != ' ')
			len++;
		if (len && !memchr(w, '=', len))
			run_test(w, len);
		w += len;
	}
	current_test = "done";
	tg_printf("tg: done\n");
	irq_enable();
	for (;;)
		wfi();
}
