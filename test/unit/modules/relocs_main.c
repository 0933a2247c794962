// SPDX-License-Identifier: GPL-2.0
/*
 * The "relocs" test module, part 1 (built with -ffunction-sections, so
 * calls and tail calls between functions need CALL26/JUMP26): ordinary C
 * that makes the compiler emit the relocation types it uses.
 */
#include "nucleus_api.h"
#include "relocs.h"

/* Global and static data, initialised (.data) and not (.bss). */
int rm_global = 42;
int rm_counter;
static u64 rm_static = 0x1122334455667788ull;
static char rm_buf[300];
static u16 rm_half = 7;
static u8 rm_byte = 3;

/* Data pointers to a function and a string (ABS64 in .data). */
int (*rm_fnptr)(int) = rm_twice;
const char *rm_greeting = "hello from relocs";

/* A const table of pointers to functions and strings (ABS64, rodata). */
static const struct rm_op rm_ops[] = {
	{ "twice", rm_twice },
	{ "square", rm_square },
	{ "tail", rm_tail },
	{ "more", rm_more_fn },
};

__attribute__((noinline)) int rm_twice(int x)
{
	return 2 * x + rm_counter;
}

__attribute__((noinline)) int rm_square(int x)
{
	rm_counter++;
	return x * x;
}

/* Tail calls: to a module function and to the nucleus (JUMP26). */
__attribute__((noinline)) int rm_tail(int x)
{
	return rm_twice(x + 1);
}

void *rm_tail_nucleus(void *dst, size_t n)
{
	return memset(dst, 0, n);
}

/* A switch dense enough for a jump table. */
int rm_switch(int x, int y)
{
	switch (x) {
	case 0: return rm_twice(y);
	case 1: return y * 7 + 2;
	case 2: return rm_square(y + 17);
	case 3: return y ^ 0x55;
	case 4: return rm_twice(y + 5);
	case 5: return y << 3;
	case 6: return y / 3;
	case 7: return y % 11;
	case 8: return rm_square(y);
	case 9: return rm_more_fn(y);
	case 10: return y * 99;
	case 11: return rm_tail(2 * y);
	case 12: return rm_twice(y * 2);
	case 13: return rm_twice(y * 3);
	case 14: return y - 1000;
	case 15: return rm_square(y - 1);
	case 16: return rm_twice(y * 5);
	case 17: return y + 44;
	default: return -1;
	}
}

/* Calls into the nucleus (CALL26) and its data (LDST8/16/32/64). */
u64 rm_read_nucleus(void)
{
	mv_log(2, "relocs: %lu %u\n", mv_test_u64, mv_test_u32);
	return mv_test_u64 + mv_test_u32 + mv_test_u16 + mv_test_u8 +
	       (u8)mv_test_array[rm_byte];
}

void rm_write_nucleus(u64 v)
{
	mv_test_u64 = v;
	mv_test_u32 = (u32)v;
	mv_test_u16 = (u16)v;
	mv_test_u8 = (u8)v;
	mv_test_array[v & 255] = 1;
}

/* Static data of every width, the bss buffer, the const table. */
u64 rm_use_data(int i)
{
	rm_buf[i % sizeof(rm_buf)] = (char)i;
	rm_half += (u16)i;
	rm_byte ^= (u8)i;
	rm_static += (u64)i;
	return rm_static + rm_half + rm_byte + (u64)rm_global +
	       (u64)rm_buf[(i + 1) % sizeof(rm_buf)];
}

int rm_call_op(const char *name, int x)
{
	for (size_t i = 0; i < sizeof(rm_ops) / sizeof(rm_ops[0]); i++)
		if (!strcmp(rm_ops[i].name, name))
			return rm_ops[i].fn(x);
	mv_panic("relocs: no operation %s\n", name);
}

/* A struct copy the compiler turns into a memcpy call. */
struct rm_big rm_big_data;

void rm_copy(struct rm_big *dst)
{
	*dst = rm_big_data;
}

const char *rm_describe(int i)
{
	char *buf = mv_malloc(64);

	if (!buf)
		return rm_greeting;
	mv_snprintf(buf, 64, "%s %d %s", rm_greeting, i, rm_ops[i & 3].name);
	return buf;
}

/* A section name longer than struct mv_module_section keeps (23 chars). */
__attribute__((noinline)) int rm_function_with_a_rather_long_name(int x)
{
	return rm_square(x) + rm_global;
}

int rm_call_long(int x)
{
	return rm_function_with_a_rather_long_name(x) + 1;
}
