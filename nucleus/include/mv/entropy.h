/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entropy for guests: a ChaCha20 generator keyed from the boot loader's
 * /chosen/rng-seed. Guests draw from it through the Arm TRNG firmware
 * interface (arch code), which seeds their own generators at boot.
 */
#ifndef MV_ENTROPY_H
#define MV_ENTROPY_H

#include <mv/spinlock.h>
#include <mv/types.h>

/* Bytes of seed the pool needs before it hands anything out (128 bits). */
#define MV_ENTROPY_SEED_MIN 16

struct mv_entropy_pool {
	struct mv_spinlock lock;
	u8 key[32];
	bool seeded;
};

/* RFC 8439's block function: 64 bytes of key stream. */
void mv_chacha20_block(const u8 key[32], u32 counter, const u8 nonce[12],
		       u8 out[64]);

/*
 * Fold len bytes into the pool's key; credit says they are a real seed
 * (at least MV_ENTROPY_SEED_MIN bytes of one make the pool seeded).
 */
void mv_entropy_stir(struct mv_entropy_pool *pool, const void *data, size_t len,
		     bool credit);
/* len bytes from a seeded pool, or -MV_ENODEV before it has a seed. */
int mv_entropy_take(struct mv_entropy_pool *pool, void *buf, size_t len);

/*
 * The nucleus's pool, seeded at boot from the DTB's /chosen/rng-seed,
 * which it then removes from the DTB.
 */
void mv_entropy_init(void *fdt);
bool mv_entropy_available(void);
int mv_entropy_read(void *buf, size_t len);

#endif
