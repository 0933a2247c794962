// SPDX-License-Identifier: GPL-2.0
/*
 * Entropy for guests.
 *
 * A guest OS needs a seed for its random numbers, and the only hardware
 * the nucleus runs on here (QEMU virt, Cortex-A57) has no random number
 * instruction. The boot loader does leave one: QEMU puts 32 random bytes
 * in /chosen/rng-seed. They key a ChaCha20 generator; each request takes
 * a fresh block and keeps half of it as the next key, so the state left
 * behind never reveals what was handed out before (fast key erasure).
 * Without a seed the pool stays empty and guests are told there is none:
 * the nucleus does not pass the counter off as entropy.
 */
#include <libfdt.h>
#include <mv/arch.h>
#include <mv/entropy.h>
#include <mv/errno.h>
#include <mv/log.h>
#include <string.h>

static struct mv_entropy_pool boot_pool = { .lock = MV_SPINLOCK_INIT };

static inline u32 rotl32(u32 v, unsigned int n)
{
	return (v << n) | (v >> (32 - n));
}

static inline u32 load_le32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

#define QUARTER_ROUND(x, a, b, c, d)                          \
	do {                                                  \
		x[a] += x[b], x[d] = rotl32(x[d] ^ x[a], 16); \
		x[c] += x[d], x[b] = rotl32(x[b] ^ x[c], 12); \
		x[a] += x[b], x[d] = rotl32(x[d] ^ x[a], 8);  \
		x[c] += x[d], x[b] = rotl32(x[b] ^ x[c], 7);  \
	} while (0)

/* Key material must not linger on the stack; the compiler may not drop this. */
static void wipe(void *p, size_t n)
{
	volatile u8 *b = p;

	while (n--)
		*b++ = 0;
}

void mv_chacha20_block(const u8 key[32], u32 counter, const u8 nonce[12],
		       u8 out[64])
{
	u32 in[16], x[16];
	unsigned int i;

	in[0] = 0x61707865; /* "expand 32-byte k" */
	in[1] = 0x3320646e;
	in[2] = 0x79622d32;
	in[3] = 0x6b206574;
	for (i = 0; i < 8; i++)
		in[4 + i] = load_le32(key + 4 * i);
	in[12] = counter;
	for (i = 0; i < 3; i++)
		in[13 + i] = load_le32(nonce + 4 * i);
	memcpy(x, in, sizeof(x));
	for (i = 0; i < 10; i++) {
		QUARTER_ROUND(x, 0, 4, 8, 12);
		QUARTER_ROUND(x, 1, 5, 9, 13);
		QUARTER_ROUND(x, 2, 6, 10, 14);
		QUARTER_ROUND(x, 3, 7, 11, 15);
		QUARTER_ROUND(x, 0, 5, 10, 15);
		QUARTER_ROUND(x, 1, 6, 11, 12);
		QUARTER_ROUND(x, 2, 7, 8, 13);
		QUARTER_ROUND(x, 3, 4, 9, 14);
	}
	for (i = 0; i < 16; i++) {
		u32 w = x[i] + in[i];

		out[4 * i] = (u8)w;
		out[4 * i + 1] = (u8)(w >> 8);
		out[4 * i + 2] = (u8)(w >> 16);
		out[4 * i + 3] = (u8)(w >> 24);
	}
	wipe(in, sizeof(in));
	wipe(x, sizeof(x));
}

/* The next key and up to 32 bytes of output from one block. */
static void pool_block(struct mv_entropy_pool *pool, u8 block[64])
{
	static const u8 nonce[12];

	mv_chacha20_block(pool->key, 0, nonce, block);
	memcpy(pool->key, block, 32);
}

void mv_entropy_stir(struct mv_entropy_pool *pool, const void *data, size_t len,
		     bool credit)
{
	const u8 *in = data;
	unsigned long flags = mv_spin_lock_irqsave(&pool->lock);
	u8 block[64];

	if (credit && len >= MV_ENTROPY_SEED_MIN)
		pool->seeded = true;
	/* 32 bytes at a time into the key, each chunk stirred by a block. */
	while (len) {
		size_t n = len < 32 ? len : 32;

		for (size_t i = 0; i < n; i++)
			pool->key[i] ^= in[i];
		pool_block(pool, block);
		in += n;
		len -= n;
	}
	mv_spin_unlock_irqrestore(&pool->lock, flags);
	wipe(block, sizeof(block));
}

int mv_entropy_take(struct mv_entropy_pool *pool, void *buf, size_t len)
{
	u8 *out = buf, block[64];
	unsigned long flags = mv_spin_lock_irqsave(&pool->lock);

	if (!pool->seeded) {
		mv_spin_unlock_irqrestore(&pool->lock, flags);
		return -MV_ENODEV;
	}
	while (len) {
		size_t n = len < 32 ? len : 32;

		pool_block(pool, block);
		memcpy(out, block + 32, n);
		out += n;
		len -= n;
	}
	mv_spin_unlock_irqrestore(&pool->lock, flags);
	wipe(block, sizeof(block));
	return 0;
}

void mv_entropy_init(void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len = 0;
	const void *seed =
		chosen >= 0 ? fdt_getprop(fdt, chosen, "rng-seed", &len) : NULL;
	u64 now = mv_arch_counter();

	if (!seed || len < MV_ENTROPY_SEED_MIN) {
		mv_log(MV_LOG_WARN,
		       "entropy: the DTB has no /chosen/rng-seed "
		       "of %d bytes or more: guests get no TRNG and start "
		       "their random number generators unseeded\n",
		       MV_ENTROPY_SEED_MIN);
		return;
	}
	mv_entropy_stir(&boot_pool, seed, (size_t)len, true);
	/* Whoever reads the DTB later (`devtree print`) must not learn it. */
	fdt_nop_property(fdt, chosen, "rng-seed");
	/* Not credited: only makes two boots with one seed differ. */
	mv_entropy_stir(&boot_pool, &now, sizeof(now), false);
	mv_log(MV_LOG_INFO,
	       "entropy: %d-byte rng-seed from /chosen: guests "
	       "get the SMCCC TRNG\n",
	       len);
}

bool mv_entropy_available(void)
{
	return MV_READ_ONCE(boot_pool.seeded);
}

int mv_entropy_read(void *buf, size_t len)
{
	return mv_entropy_take(&boot_pool, buf, len);
}
