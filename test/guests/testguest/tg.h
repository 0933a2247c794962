/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Modvisor test guest: a bare-metal arm64 EL1 program in the Linux Image
 * format. Shared declarations of the C files.
 */
#ifndef TG_H
#define TG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#define TG_MAX_CPUS	8
#define TG_STACK_SIZE	16384

/* Defaults when the DT says nothing (QEMU virt's layout). */
#define TG_DEFAULT_UART		0x09000000UL
#define TG_DEFAULT_TIMER_IRQ	27
#define TG_DEFAULT_PTIMER_IRQ	30
#define TG_DEFAULT_ABORT_ADDR	0x7f000000UL
#define TG_DEFAULT_ROUNDS	200

/* PSCI 0.2+ function ids (SMC64 where there is a choice). */
#define PSCI_VERSION		0x84000000U
#define PSCI_CPU_SUSPEND	0xc4000001U
#define PSCI_CPU_OFF		0x84000002U
#define PSCI_CPU_ON		0xc4000003U
#define PSCI_AFFINITY_INFO	0xc4000004U
#define PSCI_MIGRATE		0xc4000005U
#define PSCI_MIGRATE_INFO_TYPE	0x84000006U
#define PSCI_MIGRATE_INFO_UP	0xc4000007U
#define PSCI_FEATURES		0x8400000aU
#define PSCI_NODE_HW_STATE	0xc400000dU

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1)
#define PSCI_INVALID_PARAMS	(-2)
#define PSCI_DENIED		(-3)
#define PSCI_ALREADY_ON		(-4)

/* Exception classes (ESR_ELx.EC). */
#define EC_UNKNOWN	0x00
#define EC_SYSREG	0x18
#define EC_IABT_CUR	0x21
#define EC_DABT_CUR	0x25

#define MPIDR_AFF_MASK	0xff00ffffffUL

/* Interrupt numbers the guest uses. */
#define SGI_PING	1	/* cpu0 -> secondary */
#define SGI_PONG	2	/* secondary -> cpu0 */
#define SGI_KICK	3	/* cpu0 -> secondary: look at the command */

#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

#define read_sysreg(r) ({					\
	u64 __v;						\
	asm volatile("mrs %0, " __stringify(r) : "=r"(__v));		\
	__v;							\
})
#define write_sysreg(r, v) do {					\
	u64 __v = (u64)(v);					\
	asm volatile("msr " __stringify(r) ", %x0" : : "rZ"(__v));		\
} while (0)

#define isb()		asm volatile("isb" : : : "memory")
#define dsb(opt)	asm volatile("dsb " #opt : : : "memory")
#define wfi()		asm volatile("wfi" : : : "memory")
#define irq_disable()	asm volatile("msr daifset, #2" : : : "memory")
#define irq_enable()	asm volatile("msr daifclr, #2" : : : "memory")
#define cpu_relax()	asm volatile("yield" : : : "memory")

#define READ_ONCE(x)	(*(const volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile typeof(x) *)&(x) = (v))

static inline u32 mmio_read32(u64 addr)
{
	u32 v;

	asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(u64 addr, u32 v)
{
	asm volatile("str %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline u64 mmio_read64(u64 addr)
{
	u64 v;

	asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

/* The virtual counter, ordered against surrounding code. */
static inline u64 now(void)
{
	u64 v;

	isb();
	v = read_sysreg(cntvct_el0);
	isb();
	return v;
}

/* What the sync exception handler does with an exception. */
enum fault_mode {
	FAULT_FATAL,	/* unexpected: report, FAIL the test, recover */
	FAULT_SKIP,	/* expected: record, skip the instruction */
};

/* What the virtual timer interrupt handler does. */
enum timer_mode {
	TIMER_ONESHOT,	/* record, leave masked */
	TIMER_REARM,	/* record, re-arm rearm_period ahead until target */
};

struct percpu {
	unsigned int idx;
	u64 mpidr;
	u64 gicr;		/* RD_base of this CPU's redistributor */
	/* virtual timer */
	volatile int timer_mode;
	volatile u64 timer_fired;
	volatile u64 timer_target;
	volatile u64 timer_period;
	volatile u64 timer_late_sum;	/* sum of (handler entry - CVAL) */
	volatile s64 timer_late_min;
	volatile u64 timer_last_now;
	volatile u64 timer_last_cval;
	/* interrupts */
	volatile u64 irqs;
	volatile u64 unexpected_irqs;
	volatile u64 sgi_count[16];
	volatile u64 last_sgi_time;
	volatile int irq_active;	/* INTID being handled, or -1 */
	/* synchronous exceptions */
	volatile int fault_mode;
	volatile u64 faults;
	volatile u64 last_esr;
	volatile u64 last_far;
	volatile u64 last_elr;
	volatile u64 serrors;
};

struct dt_info {
	const void *fdt;
	u64 uart;
	u64 gicd, gicd_size;
	u64 gicr, gicr_size;
	unsigned int timer_irq;		/* CNTV: /timer interrupts[2] */
	unsigned int ptimer_irq;	/* CNTP (EL1 physical): interrupts[1] */
	unsigned int uart_irq;		/* the console UART's SPI, 0 if none */
	bool psci_smc;
	bool psci_present;
	unsigned int ncpus;
	u64 cpu_mpidr[TG_MAX_CPUS];	/* [0] is the boot CPU */
	u64 ram_base, ram_size;
	const char *bootargs;
	/* device regions from the DT, which malicious stores avoid */
	unsigned int nregions;
	u64 region_base[64], region_size[64];
};

extern struct dt_info dt;
extern struct percpu percpu[TG_MAX_CPUS];
extern u64 cntfrq;
extern u64 pa_limit;

static inline struct percpu *this_cpu(void)
{
	return (struct percpu *)read_sysreg(tpidr_el1);
}

/* head.S */
extern char _text[], _end[], __bss_start[], __bss_end[];
extern char secondary_entry[], suspend_resume_trap[];
void tg_halt(void) __attribute__((noreturn));
u64 bench_empty(u64 n);
u64 bench_hvc(u64 n);
u64 bench_smc(u64 n);
u64 bench_mmio(u64 n, u64 addr);
u64 bench_sysreg(u64 n);
struct jmpbuf {
	u64 regs[14];	/* x19..x30, sp, spare */
};
int tg_setjmp(struct jmpbuf *jb) __attribute__((returns_twice));
void tg_longjmp(struct jmpbuf *jb, int val) __attribute__((noreturn));
extern u64 boot_ttbr0, boot_tcr, boot_mair;
extern char vectors[];

/* mmu.c */
int mmu_build(u64 dtb);
void clean_dcache_range(void *start, size_t len);

/* console.c */
void console_init(u64 base);
u64 console_base(void);
void tg_putc_raw(char c);
int tg_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Formatting is the nucleus's (nucleus/lib/printf.c, built in). */
int mv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int mv_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void fmt_fixed2(char *buf, size_t size, s64 hundredths);

/* gic.c */
void gic_dist_init(void);
int gic_cpu_init(struct percpu *pc);
void gic_cpu_disable(void);
u32 gic_ack(void);
void gic_eoi(u32 intid);
void gic_send_sgi(u64 mpidr, unsigned int intid);
u64 gic_sgi1r_value(u64 mpidr, unsigned int intid);
void gic_enable_ppi(struct percpu *pc, unsigned int intid);
void gic_disable_ppi(struct percpu *pc, unsigned int intid);
void gic_enable_spi(unsigned int intid, u64 mpidr);
void gic_disable_spi(unsigned int intid);

/* psci.c */
s64 psci_call(u64 fn, u64 a1, u64 a2, u64 a3);
s64 smc_call(u64 fn, u64 a1, u64 a2, u64 a3);
s64 hvc_call(u64 fn, u64 a1, u64 a2, u64 a3);
void smccc_call_res(u64 fn, u64 a1, u64 res[4]);

/* main.c */
int dt_reg(int node, int index, u64 *base, u64 *size);
extern const char *current_test;
extern volatile u64 test_failed;
void test_pass(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void test_fail(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *bootarg_value(const char *key);
u64 bootarg_u64(const char *key, u64 def);
void timer_arm(u64 cval, int mode);
void timer_stop(void);
int wait_timer(u64 count, u64 timeout_ticks);
u64 ms_to_ticks(u64 ms);
u64 us_to_ticks(u64 us);
void secondary_main(u64 idx);

/* smp.c */
int cpu_up(unsigned int idx);
int cpu_down(unsigned int idx, s64 *last);
int sgi_pingpong(unsigned int idx, unsigned int rounds, u64 *mean_x100);
extern volatile u64 pong_count;

/* ptimer.c, echo.c: interrupt handlers (called before the EOI) */
void ptimer_irq(struct percpu *pc);
void uart_rx_irq(struct percpu *pc);

/* fpu_ops.S: every SIMD register from an LCG seeded with @seed */
void fpu_fill(u64 seed, u64 fpcr, u64 fpsr);
int fpu_check(u64 seed, u64 fpcr, u64 fpsr);	/* -1, or the first bad */
void fpu_dump(u64 regs[66]);			/* q0..q31, FPCR, FPSR */

/* tests */
void test_uart(void);
void test_timer(void);
void test_wfi(void);
void test_smp(void);
void test_psci(void);
void test_trng(void);
void test_abort(void);
void test_heartbeat(void);
void test_spin(void);
void test_malicious(void);
void test_bench(void);
void test_reset_count(void);
void test_ptimer(void);
void test_fpu(void);
void test_echo(void);
void test_virtio(void);
void test_virtio_evil(void);
void test_net_evil(void);

#endif
