// SPDX-License-Identifier: GPL-2.0
/*
 * Guest consoles (modvisor/vserial.h). A console emulator creates one
 * port per device; what the guest writes goes into the port's ring buffer
 * and is logged a line at a time as "[<guest>/<device>] ...", or, while
 * `vserial bind` attaches the terminal to the port, straight to the
 * console; what the user types then goes to the emulator.
 *
 * Locking. Guest output arrives on vCPU exit paths, which must never
 * wait for a thread: a thread holding a spinlock can be preempted, and a
 * vCPU spinning for it on the same CPU with interrupts masked would never
 * let it run again. So the output lock is taken by output calls only,
 * and the threads' side (commands, create, destroy) reads the ring
 * without a lock and talks to writers through atomic flags. The port list
 * is the threads' alone.
 */
#include <modvisor/errno.h>
#include <modvisor/command.h>
#include <modvisor/module.h>
#include <modvisor/nucleus.h>
#include <modvisor/sched.h>
#include <modvisor/vserial.h>
#include "vserial_core.h"


#define PORT_NAME_MAX 64
#define BIND_REPLAY (2 * 1024)	/* output shown again on bind */
#define MAX_PORTS 64		/* for completion */

struct mv_vserial {
	struct mv_vserial *next;	/* in the port list */
	char name[PORT_NAME_MAX];
	void (*input)(void *ctx, char c);
	void *ctx;
	/* Atomics, shared by the output path and the threads: */
	unsigned int refs;	/* the creator's, and a binder's */
	int dead;		/* destroyed: input must not be called */
	int bound;		/* a terminal shows the output */
	unsigned int inputs_running;
	/* Output side, under out_lock: */
	int out_lock;
	struct vs_line line;
	struct vs_ring ring;
};

static struct mv_vserial *ports;
static int list_lock;

static void cpu_relax(void)
{
#if defined(__aarch64__) || defined(__arm__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

/* Threads only: sleep rather than spin, so a preempted holder runs. */
static void ports_lock(void)
{
	while (__atomic_exchange_n(&list_lock, 1, __ATOMIC_ACQUIRE))
		mv_sleep_ns(20000);
}

static void ports_unlock(void)
{
	__atomic_store_n(&list_lock, 0, __ATOMIC_RELEASE);
}

static void out_lock(struct mv_vserial *p)
{
	while (__atomic_exchange_n(&p->out_lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&p->out_lock, __ATOMIC_RELAXED))
			cpu_relax();
}

static void out_unlock(struct mv_vserial *p)
{
	__atomic_store_n(&p->out_lock, 0, __ATOMIC_RELEASE);
}

static void port_put(struct mv_vserial *p)
{
	if (__atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) == 0)
		mv_free(p);
}

/* Under the list lock. */
static struct mv_vserial *find_locked(const char *name)
{
	struct mv_vserial *p;
	size_t len = strlen(name);

	for (p = ports; p; p = p->next)
		if (!strcmp(p->name, name))
			return p;
	/* "<guest>" alone: that guest's first port. */
	for (p = ports; p; p = p->next)
		if (!strncmp(p->name, name, len) && p->name[len] == '/')
			return p;
	return NULL;
}

/* A port by name with a reference held, or NULL. */
static struct mv_vserial *port_get(const char *name)
{
	struct mv_vserial *p;

	ports_lock();
	p = find_locked(name);
	if (p)
		__atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
	ports_unlock();
	return p;
}

static bool name_taken(const char *name)
{
	for (struct mv_vserial *p = ports; p; p = p->next)
		if (!strcmp(p->name, name))
			return true;
	return false;
}

struct mv_vserial *mv_vserial_create(const char *guest, const char *device,
				     void (*input)(void *ctx, char c),
				     void *ctx)
{
	struct mv_vserial *p, **tail;
	int n;

	if (!guest || !device || !guest[0] || !device[0])
		return NULL;
	p = mv_zalloc(sizeof(*p));
	if (!p) {
		mv_log(MV_LOG_ERR, "vserial: no memory for a port of %s\n",
		       guest);
		return NULL;
	}
	p->input = input;
	p->ctx = ctx;
	p->refs = 1;
	vs_line_reset(&p->line);
	ports_lock();
	/* Two devices of one name (two uart@ nodes): uart, uart1, ... */
	n = mv_snprintf(p->name, sizeof(p->name), "%s/%s", guest, device);
	for (unsigned int i = 1; name_taken(p->name); i++)
		mv_snprintf(p->name, sizeof(p->name), "%s/%s%u", guest,
			    device, i);
	for (tail = &ports; *tail; tail = &(*tail)->next)
		;
	*tail = p;
	ports_unlock();
	if (n >= (int)sizeof(p->name))
		mv_log(MV_LOG_WARN, "vserial: port name shortened to %s\n",
		       p->name);
	return p;
}
MV_EXPORT(mv_vserial_create);

void mv_vserial_destroy(struct mv_vserial *port)
{
	struct mv_vserial **pp;

	if (!port)
		return;
	ports_lock();
	for (pp = &ports; *pp; pp = &(*pp)->next) {
		if (*pp == port) {
			*pp = port->next;
			break;
		}
	}
	ports_unlock();
	/*
	 * No input call may start after this, and the emulator's context
	 * goes away when we return: wait for one in progress to end.
	 */
	__atomic_store_n(&port->dead, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&port->inputs_running, __ATOMIC_SEQ_CST))
		mv_sleep_ns(20000);
	if (__atomic_load_n(&port->bound, __ATOMIC_SEQ_CST)) {
		static const char msg[] =
			"\r\n[vserial: port gone; press a key]\r\n";

		mv_console_write_raw(msg, sizeof(msg) - 1);
	}
	port_put(port);
}
MV_EXPORT(mv_vserial_destroy);

void mv_vserial_output(struct mv_vserial *port, const char *buf, size_t n)
{
	char line[VS_LINE_MAX + 1];

	if (!port)
		return;
	while (n) {
		size_t used = 0;
		bool have_line = false;

		out_lock(port);
		if (__atomic_load_n(&port->bound, __ATOMIC_ACQUIRE)) {
			/*
			 * Raw, in order: the terminal is a screen, not a log.
			 * Lines are still assembled (and dropped), so the
			 * line under way when the terminal detaches is logged
			 * whole.
			 */
			vs_ring_write(&port->ring, buf, n);
			mv_console_write_raw(buf, n);
			for (used = 0; used < n; used++)
				vs_line_feed(&port->line, buf[used]);
		} else {
			while (used < n && !have_line)
				have_line = vs_line_feed(&port->line,
							 buf[used++]);
			vs_ring_write(&port->ring, buf, used);
			if (have_line)
				memcpy(line, port->line.buf,
				       port->line.len + 1);
		}
		out_unlock(port);
		/* Logged outside the lock: the console is slow. */
		if (have_line)
			mv_log(MV_LOG_INFO, "[%s] %s\n", port->name, line);
		buf += used;
		n -= used;
	}
}
MV_EXPORT(mv_vserial_output);

static void send_input(struct mv_vserial *p, char c)
{
	__atomic_add_fetch(&p->inputs_running, 1, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&p->dead, __ATOMIC_SEQ_CST) && p->input)
		p->input(p->ctx, c);
	__atomic_sub_fetch(&p->inputs_running, 1, __ATOMIC_SEQ_CST);
}

static int list_cmd(void)
{
	unsigned int n = 0;

	mv_printf("%-32s %12s  %s\n", "port", "bytes", "terminal");
	ports_lock();
	for (struct mv_vserial *p = ports; p; p = p->next, n++)
		mv_printf("%-32s %12lu  %s\n", p->name,
			  (unsigned long)vs_ring_written(&p->ring),
			  __atomic_load_n(&p->bound, __ATOMIC_RELAXED) ?
			  "bound" : "-");
	ports_unlock();
	mv_printf("%u port%s\n", n, n == 1 ? "" : "s");
	return 0;
}

/* Output as command text: mv_printf adds the '\r' itself. */
static void print_text(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t run = 0;

		while (i + run < n && run < 256 && s[i + run] != '\r' &&
		       s[i + run] != '\0')
			run++;
		if (run)
			mv_printf("%.*s", (int)run, s + i);
		i += run ? run : 1;
	}
}

static struct mv_vserial *lookup_or_complain(const char *cmd,
					     const char *name)
{
	struct mv_vserial *p = port_get(name);

	if (!p)
		mv_printf("vserial: %s: no port %s (see 'vserial list')\n",
			  cmd, name);
	return p;
}

static int dump_cmd(const char *name)
{
	struct mv_vserial *p = lookup_or_complain("dump", name);
	uint64_t start, total;
	char *buf;
	size_t n;

	if (!p)
		return -MV_ENOENT;
	buf = mv_malloc(VS_RING_SIZE);
	if (!buf) {
		port_put(p);
		mv_printf("vserial: dump: no memory\n");
		return -MV_ENOMEM;
	}
	n = vs_ring_read_tail(&p->ring, buf, VS_RING_SIZE, &start);
	total = start + n;
	mv_printf("vserial: %s: last %lu of %lu bytes\n", p->name,
		  (unsigned long)n, (unsigned long)total);
	print_text(buf, n);
	if (n && buf[n - 1] != '\n')
		mv_printf("\n");
	mv_free(buf);
	port_put(p);
	return 0;
}

static int bind_cmd(const char *name)
{
	struct mv_vserial *p = lookup_or_complain("bind", name);
	struct vs_escape esc = { false };
	char *tail;
	size_t n;
	bool gone = false;

	if (!p)
		return -MV_ENOENT;
	if (__atomic_exchange_n(&p->bound, 1, __ATOMIC_SEQ_CST)) {
		mv_printf("vserial: %s is already bound to a terminal\n",
			  p->name);
		port_put(p);
		return -MV_EBUSY;
	}
	mv_printf("vserial: bound to %s; Ctrl-] then q returns to the "
		  "terminal\n", p->name);
	/* The recent output again, so the guest's prompt is on screen. */
	tail = mv_malloc(BIND_REPLAY);
	if (tail) {
		n = vs_ring_read_tail(&p->ring, tail, BIND_REPLAY, NULL);
		mv_console_write_raw(tail, n);
		mv_free(tail);
	}
	for (;;) {
		char typed = (char)mv_console_getc();
		char out[2];
		int k;

		if (__atomic_load_n(&p->dead, __ATOMIC_SEQ_CST)) {
			gone = true;
			break;
		}
		k = vs_escape_feed(&esc, typed, out);
		if (k == VS_DETACH)
			break;
		for (int i = 0; i < k; i++)
			send_input(p, out[i]);
	}
	__atomic_store_n(&p->bound, 0, __ATOMIC_SEQ_CST);
	if (gone)
		mv_printf("\nvserial: %s was destroyed\n"
			  "vserial: detached from %s\n", p->name, p->name);
	else
		mv_printf("\nvserial: detached from %s\n", p->name);
	port_put(p);
	return 0;
}

static int vserial_cmd(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (!strcmp(sub, "list") && argc == 2)
		return list_cmd();
	if (!strcmp(sub, "dump") && argc == 3)
		return dump_cmd(argv[2]);
	if (!strcmp(sub, "bind") && argc == 3)
		return bind_cmd(argv[2]);
	mv_printf("usage: vserial list | dump <port> | bind <port|guest>\n");
	return -MV_EINVAL;
}

static char names[MAX_PORTS][PORT_NAME_MAX];

static void vserial_complete(int argc, char **argv, mv_complete_add add,
			     void *ctx)
{
	static const char *const subs[] = { "list", "dump", "bind" };
	int n = 0;

	if (argc == 2) {
		for (unsigned int i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
			add(ctx, subs[i]);
		return;
	}
	if (argc != 3 || (strcmp(argv[1], "dump") && strcmp(argv[1], "bind")))
		return;
	/* Copied out: add() must not run under the list lock. */
	ports_lock();
	for (struct mv_vserial *p = ports; p && n < MAX_PORTS; p = p->next)
		memcpy(names[n++], p->name, PORT_NAME_MAX);
	ports_unlock();
	for (int i = 0; i < n; i++)
		add(ctx, names[i]);
}

static void vserial_exit(void)
{
	/* Emulators that made ports link against us: none is left. */
	while (ports) {
		struct mv_vserial *p = ports;

		ports = p->next;
		mv_log(MV_LOG_WARN, "vserial: %s was never destroyed\n",
		       p->name);
		mv_free(p);
	}
}

MV_MODULE(vserial, NULL, vserial_exit);
MV_MODULE_VERSION("1.0");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("Guest consoles: output log, ring buffer, bind");
MV_COMMAND_FULL(vserial, vserial_cmd, "list, dump or attach guest consoles",
		"vserial list | dump <port> | bind <port|guest>",
		vserial_complete);
