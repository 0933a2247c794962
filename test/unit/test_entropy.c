// SPDX-License-Identifier: GPL-2.0
/*
 * Entropy for guests: the ChaCha20 pool (nucleus/entropy.c) and the SMCCC
 * and TRNG calls that hand it out (arch/arm64/smccc.c).
 */
#include <libfdt.h>
#include <mv/entropy.h>
#include <mv/errno.h>

#include "../../arch/arm64/smccc.h"
#include "mv_host.h"
#include "mv_test.h"

/* RFC 8439 section 2.3.2: key 00..1f, counter 1, this nonce. */
static void test_chacha20_rfc8439(void)
{
	static const u8 nonce[12] = { 0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	static const u8 want[64] = {
		0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f,
		0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4, 0xc7, 0xd1, 0xf4, 0xc7,
		0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4,
		0x6c, 0x4e, 0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09,
		0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2, 0xb5, 0x12,
		0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8,
		0xa2, 0x50, 0x3c, 0x4e,
	};
	u8 key[32], out[64];

	for (unsigned int i = 0; i < sizeof(key); i++)
		key[i] = (u8)i;
	mv_chacha20_block(key, 1, nonce, out);
	CHECK(memcmp(out, want, sizeof(want)) == 0);
}

static void pool_init(struct mv_entropy_pool *p)
{
	memset(p, 0, sizeof(*p));
	mv_spin_init(&p->lock);
}

static void test_pool_needs_a_seed(void)
{
	struct mv_entropy_pool p;
	u8 seed[MV_ENTROPY_SEED_MIN] = { 1, 2, 3 }, buf[8];

	pool_init(&p);
	CHECK_EQ(mv_entropy_take(&p, buf, sizeof(buf)), -MV_ENODEV);
	/* Uncredited input and too short a seed do not count. */
	mv_entropy_stir(&p, seed, sizeof(seed), false);
	mv_entropy_stir(&p, seed, sizeof(seed) - 1, true);
	CHECK_EQ(mv_entropy_take(&p, buf, sizeof(buf)), -MV_ENODEV);
	mv_entropy_stir(&p, seed, sizeof(seed), true);
	CHECK_EQ(mv_entropy_take(&p, buf, sizeof(buf)), 0);
}

static void test_pool_output(void)
{
	struct mv_entropy_pool a, b, c;
	u8 seed[32], out_a[100], out_b[100], out_c[100], next[100];

	for (unsigned int i = 0; i < sizeof(seed); i++)
		seed[i] = (u8)(i * 7 + 3);
	pool_init(&a);
	pool_init(&b);
	pool_init(&c);
	mv_entropy_stir(&a, seed, sizeof(seed), true);
	mv_entropy_stir(&b, seed, sizeof(seed), true);
	seed[31] ^= 1;
	mv_entropy_stir(&c, seed, sizeof(seed), true);
	CHECK_EQ(mv_entropy_take(&a, out_a, sizeof(out_a)), 0);
	CHECK_EQ(mv_entropy_take(&b, out_b, sizeof(out_b)), 0);
	CHECK_EQ(mv_entropy_take(&c, out_c, sizeof(out_c)), 0);
	/* A generator: one seed, one sequence; one bit of seed changes it. */
	CHECK(memcmp(out_a, out_b, sizeof(out_a)) == 0);
	CHECK(memcmp(out_a, out_c, sizeof(out_a)) != 0);
	/* Each request moves on, and no 32-byte piece repeats within one. */
	CHECK_EQ(mv_entropy_take(&a, next, sizeof(next)), 0);
	CHECK(memcmp(out_a, next, sizeof(next)) != 0);
	CHECK(memcmp(out_a, out_a + 32, 32) != 0);
	CHECK(memcmp(out_a + 32, out_a + 64, 32) != 0);
	/* The output is not the key: what was handed out is not kept. */
	CHECK(memcmp(a.key, next + 68, 32) != 0);
	CHECK(memcmp(a.key, out_a, 32) != 0);
}

static u64 call(u32 fn, u64 a1, u64 *x)
{
	x[0] = fn;
	x[1] = a1;
	x[2] = x[3] = 0xdeadbeef;
	CHECK(mv_arm64_smccc_call(fn, x));
	return x[0];
}

static void test_smccc_queries(void)
{
	u64 x[4] = { 0 };

	CHECK_EQ(call(SMCCC_VERSION, 0, x), 0x10001);
	CHECK_EQ(call(SMCCC_ARCH_FEATURES, SMCCC_ARCH_FEATURES, x), 0);
	/* ARCH_WORKAROUND_1 and _3: not offered. */
	CHECK_EQ((s64)call(SMCCC_ARCH_FEATURES, 0x80008000, x), -1);
	CHECK_EQ((s64)call(SMCCC_ARCH_FEATURES, 0x80003fff, x), -1);
	CHECK_EQ((s64)call(SMCCC_VENDOR_HYP_UID, 0, x), -1);
	/* Neither these services nor PSCI: left to the caller. */
	x[0] = 0x84000054;
	CHECK(!mv_arm64_smccc_call(0x84000054, x));
	CHECK(!mv_arm64_smccc_call(0x84000000, x));
	CHECK(!mv_arm64_smccc_call(0xc4000050, x));
}

/* Before the boot pool has a seed: no TRNG at all. */
static void test_trng_without_seed(void)
{
	u64 x[4];
	char fdt[512];

	CHECK_EQ(fdt_create_empty_tree(fdt, sizeof(fdt)), 0);
	CHECK(fdt_add_subnode(fdt, 0, "chosen") >= 0);
	mv_host_log_reset();
	mv_entropy_init(fdt);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 1);
	CHECK(strstr(mv_host_log_last(), "no /chosen/rng-seed") != NULL);
	CHECK(!mv_entropy_available());
	CHECK_EQ((s64)call(TRNG_VERSION, 0, x), -1);
	CHECK_EQ((s64)call(TRNG_FEATURES, TRNG_RND64, x), -1);
	CHECK_EQ((s64)call(TRNG_RND64, 64, x), -1);
	CHECK_EQ(x[3], 0xdeadbeef);
}

static void test_trng(void)
{
	u8 seed[32] = { 0x42 };
	u64 x[4], first[3];
	char fdt[512];
	int chosen;

	CHECK_EQ(fdt_create_empty_tree(fdt, sizeof(fdt)), 0);
	chosen = fdt_add_subnode(fdt, 0, "chosen");
	CHECK_EQ(fdt_setprop(fdt, chosen, "rng-seed", seed, sizeof(seed)), 0);
	mv_host_log_reset();
	mv_entropy_init(fdt);
	CHECK_EQ(mv_host_log_count(MV_LOG_WARN), 0);
	CHECK(mv_entropy_available());
	/* The seed is gone from the DTB, which is still sound. */
	CHECK(fdt_getprop(fdt, chosen, "rng-seed", NULL) == NULL);
	CHECK_EQ(fdt_check_full(fdt, sizeof(fdt)), 0);

	CHECK_EQ(call(TRNG_VERSION, 0, x), 0x10000);
	CHECK_EQ(call(TRNG_FEATURES, TRNG_RND64, x), 0);
	CHECK_EQ(call(TRNG_FEATURES, TRNG_GET_UUID, x), 0);
	CHECK_EQ((s64)call(TRNG_FEATURES, 0x84000054, x), -1);
	CHECK_NE(call(TRNG_GET_UUID, 0, x), 0xffffffff);

	CHECK_EQ(call(TRNG_RND64, 192, x), 0);
	memcpy(first, x + 1, sizeof(first));
	CHECK(first[0] || first[1] || first[2]);
	CHECK_EQ(call(TRNG_RND64, 192, x), 0);
	CHECK(memcmp(first, x + 1, sizeof(first)) != 0);
	/* Right-aligned in x3 upwards, zeros above the bits asked for. */
	for (unsigned int round = 0; round < 32; round++) {
		CHECK_EQ(call(TRNG_RND64, 8, x), 0);
		CHECK_EQ(x[1], 0);
		CHECK_EQ(x[2], 0);
		CHECK_LT(x[3], 256);
		CHECK_EQ(call(TRNG_RND64, 100, x), 0);
		CHECK_EQ(x[1], 0);
		CHECK_LT(x[2], 1UL << 36);
		CHECK_EQ(call(TRNG_RND32, 40, x), 0);
		CHECK_EQ(x[1], 0);
		CHECK_LT(x[2], 256);
		CHECK_LE(x[3], 0xffffffff);
		/* SMC32: the upper half of the argument is not looked at. */
		CHECK_EQ(call(TRNG_RND32, 0x100000060, x), 0);
		CHECK(x[1] <= 0xffffffff && x[2] <= 0xffffffff);
	}
	CHECK_EQ((s64)call(TRNG_RND64, 0, x), -2);
	CHECK_EQ((s64)call(TRNG_RND64, 193, x), -2);
	CHECK_EQ((s64)call(TRNG_RND64, ~0UL, x), -2);
	CHECK_EQ((s64)call(TRNG_RND32, 97, x), -2);
	CHECK_EQ((s64)call(TRNG_RND32, 0, x), -2);
}

static void setup(void)
{
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_chacha20_rfc8439, setup);
	RUN_TEST(test_pool_needs_a_seed, setup);
	RUN_TEST(test_pool_output, setup);
	RUN_TEST(test_smccc_queries, setup);
	RUN_TEST(test_trng_without_seed, setup);
	RUN_TEST(test_trng, setup);
	return mv_test_summary();
}
