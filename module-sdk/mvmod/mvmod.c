// SPDX-License-Identifier: GPL-2.0
/* mvmod: command dispatch and usage. */
#include "mvmod.h"

#include <getopt.h>
#include <string.h>

static const char usage_text[] =
	"usage: mvmod info FILE.mvm...\n"
	"       mvmod verify [--machine MACHINE] [--exports NUCLEUS.exports]\n"
	"                    [--module OTHER.mvm]... FILE.mvm...\n"
	"       mvmod index --exports NUCLEUS.exports -o modules.idx\n"
	"                   [--prefix PREFIX] [--machine MACHINE] FILE.mvm...\n"
	"       mvmod pack -o ARCHIVE [--gzip] DEST=SRC...\n"
	"       mvmod --help\n"
	"\n"
	"info    print a module's metadata, symbols, sizes and relocations\n"
	"verify  check modules against the module format (MACHINE:\n"
	"        aarch64, the default); with --exports, also that every\n"
	"        undefined symbol is exported by the nucleus, a --module\n"
	"        or another FILE\n"
	"index   write modules.idx with dependencies; PREFIX (default\n"
	"        \"modules/\") is prepended to each file's base name\n"
	"pack    write a cpio newc archive holding each SRC at DEST,\n"
	"        gzip'ed with --gzip or when ARCHIVE ends in .gz\n"
	"\n"
	"Exit status: 0 on success, 1 on any problem (each reported on\n"
	"stderr as \"mvmod: FILE: message\").\n";

void mv_usage(FILE *f)
{
	fputs(usage_text, f);
}

/* Does the option argument arg name a known option (that lacked its value)? */
static int known_option(const char *arg, const char *shortopts,
			const struct option *longopts)
{
	if (!strncmp(arg, "--", 2)) {
		size_t len = strcspn(arg + 2, "=");

		for (; longopts->name; longopts++)
			if (strlen(longopts->name) == len &&
			    !strncmp(longopts->name, arg + 2, len))
				return 1;
		return 0;
	}
	return arg[0] == '-' && arg[1] && strchr(shortopts, arg[1]);
}

int mv_getopt(int argc, char **argv, const char *shortopts,
	      const struct option *longopts)
{
	const char *arg;
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
	if (known_option(arg, shortopts, longopts))
		mv_err(NULL, "%s: option %s needs a value (see mvmod --help)",
		       argv[0], arg);
	else
		mv_err(NULL, "%s: unknown option %s (see mvmod --help)",
		       argv[0], arg);
	return '?';
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "info", cmd_info },
	{ "verify", cmd_verify },
	{ "index", cmd_index },
	{ "pack", cmd_pack },
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		mv_usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		mv_usage(stdout);
		return 0;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		mv_err(NULL, "libelf is out of date");
		return 1;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	mv_err(NULL, "unknown command %s (see mvmod --help)", argv[1]);
	return 1;
}
