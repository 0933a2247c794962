// SPDX-License-Identifier: GPL-2.0
/*
 * Network commands: netswitch list | ports <switch> | ageing <switch> [ms].
 * Links against the netswitch module (modvisor/netswitch.h).
 */
#include <modvisor/errno.h>
#include <modvisor/command.h>
#include <modvisor/module.h>
#include <modvisor/netswitch.h>
#include <modvisor/nucleus.h>


static const char net_usage[] =
	"usage: netswitch list | ports <switch> | ageing <switch> [ms]\n";

static int list_cmd(void)
{
	struct mv_netswitch_info in;
	unsigned int count = mv_netswitch_count(), shown = 0;

	mv_printf("%-16s %9s %11s %10s %10s %10s\n", "switch", "ports",
		  "MACs", "ageing ms", "forwarded", "flooded");
	for (unsigned int i = 0; i < count; i++) {
		char ports[16], macs[24];

		if (mv_netswitch_info_at(i, &in))
			continue;
		mv_snprintf(ports, sizeof(ports), "%u/%u", in.ports,
			    in.max_ports);
		mv_snprintf(macs, sizeof(macs), "%u/%u", in.macs,
			    in.mac_capacity);
		mv_printf("%-16s %9s %11s %10llu %10llu %10llu\n", in.name,
			  ports, macs, (unsigned long long)in.ageing_ms,
			  (unsigned long long)in.forwarded,
			  (unsigned long long)in.flooded);
		shown++;
	}
	mv_printf("%u switch%s\n", shown, shown == 1 ? "" : "es");
	return 0;
}

static int no_switch(const char *name)
{
	mv_printf("netswitch: no switch named '%s' (see 'netswitch list')\n",
		  name);
	return -MV_ENOENT;
}

/* What a port accepts: "csum,tso4,tso6", "-" for plain frames only. */
static const char *offload_names(unsigned int offloads)
{
	static const char *const names[8] = {
		"-", "csum", "tso4", "csum,tso4", "tso6", "csum,tso6",
		"tso4,tso6", "csum,tso4,tso6",
	};

	return names[offloads & 7];
}

static int ports_cmd(const char *sw)
{
	struct mv_netswitch_info in;
	struct mv_netport_info p;
	unsigned int shown = 0;
	int width = 20;

	if (mv_netswitch_info(sw, &in))
		return no_switch(sw);
	/* As wide as the longest name ("host/virtio_mmio@a003e00"). */
	for (unsigned int i = 0; !mv_netport_info_at(sw, i, &p); i++)
		if ((int)strlen(p.name) > width)
			width = (int)strlen(p.name);
	mv_printf("%-*s %10s %12s %10s %12s %7s %5s %8s %9s %10s  %s\n",
		  width, "port", "rx frames", "rx bytes", "tx frames",
		  "tx bytes", "drops", "MACs", "bad meta", "segmented",
		  "rx direct", "offloads");
	for (unsigned int i = 0; !mv_netport_info_at(sw, i, &p); i++) {
		mv_printf("%-*s %10llu %12llu %10llu %12llu %7llu %5u %8llu "
			  "%9llu %10llu  %s\n",
			  width, p.name, (unsigned long long)p.rx_frames,
			  (unsigned long long)p.rx_bytes,
			  (unsigned long long)p.tx_frames,
			  (unsigned long long)p.tx_bytes,
			  (unsigned long long)p.drops, p.macs,
			  (unsigned long long)p.bad_meta,
			  (unsigned long long)p.segmented,
			  (unsigned long long)p.direct,
			  offload_names(p.offloads));
		shown++;
	}
	mv_printf("%s: %u port%s; frames forwarded %llu, flooded %llu, "
		  "filtered %llu; MACs not learned (table full) %llu\n",
		  in.name, shown, shown == 1 ? "" : "s",
		  (unsigned long long)in.forwarded,
		  (unsigned long long)in.flooded,
		  (unsigned long long)in.filtered,
		  (unsigned long long)in.learn_full);
	return 0;
}

static int ageing_cmd(int argc, char **argv)
{
	struct mv_netswitch_info in;
	unsigned long ms;
	char *end;

	if (mv_netswitch_info(argv[2], &in))
		return no_switch(argv[2]);
	if (argc == 3) {
		mv_printf("%s: ageing %llu ms\n", in.name,
			  (unsigned long long)in.ageing_ms);
		return 0;
	}
	ms = strtoul(argv[3], &end, 10);
	if (*end || !ms || mv_netswitch_set_ageing(argv[2], ms)) {
		mv_printf("netswitch: bad ageing time '%s' (ms, > 0)\n",
			  argv[3]);
		return -MV_EINVAL;
	}
	return 0;
}

static int netswitch_cmd(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "list"))
		return list_cmd();
	if (argc == 3 && !strcmp(argv[1], "ports"))
		return ports_cmd(argv[2]);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "ageing"))
		return ageing_cmd(argc, argv);
	mv_printf("%s", net_usage);
	return -MV_EINVAL;
}

static void netswitch_complete(int argc, char **argv, mv_complete_add add,
			       void *ctx)
{
	static char names[16][MV_NETSWITCH_NAME_MAX];
	struct mv_netswitch_info in;
	unsigned int count, n = 0;

	if (argc == 2) {
		add(ctx, "list");
		add(ctx, "ports");
		add(ctx, "ageing");
		return;
	}
	if (argc != 3 || !strcmp(argv[1], "list"))
		return;
	count = mv_netswitch_count();
	for (unsigned int i = 0; i < count && n < 16; i++)
		if (!mv_netswitch_info_at(i, &in))
			memcpy(names[n++], in.name, sizeof(in.name));
	for (unsigned int i = 0; i < n; i++)
		add(ctx, names[i]);
}

MV_MODULE(cmd-net, NULL, NULL);
MV_MODULE_VERSION("1.0");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("Network commands: netswitch list, ports, ageing");
MV_COMMAND_FULL(netswitch, netswitch_cmd, "list switches and their ports",
		"netswitch list | ports <switch> | ageing <switch> [ms]",
		netswitch_complete);
