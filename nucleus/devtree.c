// SPDX-License-Identifier: GPL-2.0
/* Reading the boot device tree through libfdt. */
#include <mv/devtree.h>
#include <mv/errno.h>
#include <libfdt.h>
#include <string.h>

const void *mv_boot_fdt;

static u64 read_cells(const fdt32_t *p, int cells)
{
	u64 v = 0;

	while (cells--)
		v = (v << 32) | fdt32_to_cpu(*p++);
	return v;
}

static int reg_cells(const void *fdt, int node, int *ac, int *sc)
{
	int parent = fdt_parent_offset(fdt, node);

	if (parent < 0)
		return parent;
	*ac = fdt_address_cells(fdt, parent);
	*sc = fdt_size_cells(fdt, parent);
	if (*ac < 1 || *ac > 2 || *sc < 0 || *sc > 2)
		return -FDT_ERR_BADNCELLS;
	return 0;
}

int mv_dt_reg_count(const void *fdt, int node)
{
	int ac, sc, len, err;
	const fdt32_t *reg;

	err = reg_cells(fdt, node, &ac, &sc);
	if (err < 0)
		return -MV_EINVAL;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len % (4 * (ac + sc)))
		return -MV_ENOENT;
	return len / (4 * (ac + sc));
}

int mv_dt_reg(const void *fdt, int node, int idx, u64 *addr, u64 *size)
{
	int ac, sc, len;
	const fdt32_t *reg;

	if (reg_cells(fdt, node, &ac, &sc) < 0)
		return -MV_EINVAL;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || idx < 0 || (idx + 1) * 4 * (ac + sc) > len)
		return -MV_ENOENT;
	reg += idx * (ac + sc);
	*addr = read_cells(reg, ac);
	*size = sc ? read_cells(reg + ac, sc) : 0;
	return 0;
}

const char *mv_dt_stdout_path(const void *fdt, int *len)
{
	const char *path, *colon;
	int chosen = fdt_path_offset(fdt, "/chosen");
	int plen;

	if (chosen < 0)
		return NULL;
	path = fdt_getprop(fdt, chosen, "stdout-path", &plen);
	if (!path)
		path = fdt_getprop(fdt, chosen, "linux,stdout-path", &plen);
	if (!path || plen < 2 || path[plen - 1] != '\0')
		return NULL;
	colon = strchr(path, ':');
	*len = colon ? colon - path : plen - 1;
	if (path[0] != '/') {
		/* An alias: resolve it so callers always get a full path. */
		const char *full = fdt_get_alias_namelen(fdt, path, *len);

		if (!full)
			return NULL;
		*len = strlen(full);
		return full;
	}
	return path;
}

bool mv_dt_read_number(const void *fdt, int node, const char *prop, u64 *v)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);

	if (!p || (len != 4 && len != 8))
		return false;
	*v = read_cells(p, len / 4);
	return true;
}

const char *mv_dt_bootargs(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	int len;
	const char *args;

	if (chosen < 0)
		return "";
	args = fdt_getprop(fdt, chosen, "bootargs", &len);
	if (!args || len < 1 || args[len - 1] != '\0')
		return "";
	return args;
}

bool mv_bootarg_has(const char *bootargs, const char *word)
{
	size_t n = strlen(word);
	const char *p = bootargs;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, word, n) && (p[n] == ' ' || p[n] == '\0'))
			return true;
		while (*p && *p != ' ')
			p++;
	}
	return false;
}
