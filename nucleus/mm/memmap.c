// SPDX-License-Identifier: GPL-2.0
/*
 * RAM banks minus reserved ranges. Tables are kept sorted and merged as
 * ranges are added, so 33 adjacent pieces of one bank do not run out of
 * room and subtraction is a single walk. Internally ranges are half-open
 * [start, end); a range whose end would not fit in 64 bits is refused.
 */
#include <mv/errno.h>
#include <mv/memmap.h>
#include <string.h>

/* Highest page-aligned address: a reserved end rounding past it clamps. */
#define MEMMAP_TOP_PAGE ((u64)0 - MV_PAGE_SIZE)

static inline u64 range_end(const struct mv_mem_range *r)
{
	return r->start + r->size;
}

static bool range_valid(paddr_t start, u64 size)
{
	return size && start + size > start;
}

/*
 * Insert [s, e) into a sorted table of disjoint, non-adjacent ranges,
 * absorbing every range it overlaps or touches.
 */
static int range_insert(struct mv_mem_range *t, unsigned int *n, u64 s, u64 e)
{
	unsigned int i = 0, j;

	while (i < *n && range_end(&t[i]) < s)
		i++;
	j = i;
	while (j < *n && t[j].start <= e)
		j++;

	if (i == j) {
		if (*n >= MV_MEMMAP_MAX)
			return -MV_ENOSPC;
		memmove(&t[i + 1], &t[i], (*n - i) * sizeof(*t));
		(*n)++;
	} else {
		s = MV_MIN(s, t[i].start);
		e = MV_MAX(e, range_end(&t[j - 1]));
		memmove(&t[i + 1], &t[j], (*n - j) * sizeof(*t));
		*n -= j - i - 1;
	}
	t[i].start = s;
	t[i].size = e - s;
	return 0;
}

/* Widen [start, start + size) outward to whole pages. */
static void page_expand(paddr_t start, u64 size, u64 *s, u64 *e)
{
	u64 end = start + size;

	*s = MV_ALIGN_DOWN(start, MV_PAGE_SIZE);
	/* The last partial page below 2^64 can never be usable anyway. */
	*e = end > MEMMAP_TOP_PAGE ? MEMMAP_TOP_PAGE :
				     MV_ALIGN_UP(end, MV_PAGE_SIZE);
}

void mv_memmap_init(struct mv_memmap *map)
{
	memset(map, 0, sizeof(*map));
}

int mv_memmap_add_ram(struct mv_memmap *map, paddr_t start, u64 size)
{
	if (!range_valid(start, size))
		return -MV_EINVAL;
	return range_insert(map->ram, &map->nr_ram, start, start + size);
}

int mv_memmap_reserve(struct mv_memmap *map, paddr_t start, u64 size)
{
	u64 s, e;

	if (!range_valid(start, size))
		return -MV_EINVAL;
	page_expand(start, size, &s, &e);
	if (e <= s)
		return 0;	/* entirely in the never-usable top page */
	return range_insert(map->reserved, &map->nr_reserved, s, e);
}

/*
 * Re-sort and merge a table in place, in case a caller filled it by hand;
 * a no-op for tables built with the functions above.
 */
static int normalize(struct mv_mem_range *t, unsigned int *n, bool expand)
{
	struct mv_mem_range tmp[MV_MEMMAP_MAX];
	unsigned int i, nt = 0;
	int ret;

	if (*n > MV_MEMMAP_MAX)
		return -MV_EINVAL;
	for (i = 0; i < *n; i++) {
		u64 s = t[i].start, e = range_end(&t[i]);

		if (!range_valid(t[i].start, t[i].size))
			return -MV_EINVAL;
		if (expand)
			page_expand(t[i].start, t[i].size, &s, &e);
		if (e <= s)
			continue;
		ret = range_insert(tmp, &nt, s, e);
		if (ret)
			return ret;
	}
	memcpy(t, tmp, nt * sizeof(*t));
	*n = nt;
	return 0;
}

/* Append [s, e) shrunk inward to whole pages, if anything is left. */
static int emit_usable(struct mv_memmap *map, u64 s, u64 e)
{
	struct mv_mem_range *u;

	if (s > MEMMAP_TOP_PAGE)
		return 0;
	s = MV_ALIGN_UP(s, MV_PAGE_SIZE);
	e = MV_ALIGN_DOWN(e, MV_PAGE_SIZE);
	if (e <= s)
		return 0;
	if (map->nr_usable >= MV_MEMMAP_MAX)
		return -MV_ENOSPC;
	u = &map->usable[map->nr_usable++];
	u->start = s;
	u->size = e - s;
	return 0;
}

int mv_memmap_compute(struct mv_memmap *map)
{
	unsigned int i, k;
	int ret;

	map->nr_usable = 0;
	ret = normalize(map->ram, &map->nr_ram, false);
	if (ret)
		return ret;
	ret = normalize(map->reserved, &map->nr_reserved, true);
	if (ret)
		return ret;

	/* Both tables are sorted: usable[] comes out sorted too. */
	for (i = 0; i < map->nr_ram; i++) {
		u64 cur = map->ram[i].start, end = range_end(&map->ram[i]);

		for (k = 0; k < map->nr_reserved && cur < end; k++) {
			u64 rs = map->reserved[k].start;
			u64 re = range_end(&map->reserved[k]);

			if (re <= cur)
				continue;
			if (rs >= end)
				break;
			if (rs > cur) {
				ret = emit_usable(map, cur, rs);
				if (ret)
					return ret;
			}
			cur = re;
		}
		if (cur < end) {
			ret = emit_usable(map, cur, end);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static u64 sum(const struct mv_mem_range *t, unsigned int n)
{
	u64 total = 0;
	unsigned int i;

	for (i = 0; i < n && i < MV_MEMMAP_MAX; i++)
		total += t[i].size;
	return total;
}

u64 mv_memmap_total(const struct mv_memmap *map)
{
	return sum(map->ram, map->nr_ram);
}

u64 mv_memmap_usable_total(const struct mv_memmap *map)
{
	return sum(map->usable, map->nr_usable);
}
