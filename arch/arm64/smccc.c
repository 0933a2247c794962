// SPDX-License-Identifier: GPL-2.0
/*
 * SMC Calling Convention services for guests, besides PSCI (vcpu.c).
 *
 * SMCCC 1.1 (DEN0028): the version and feature queries. No firmware
 * workaround is offered, so a guest judges its CPU as it would on a
 * firmware without them, and a hypervisor-UID query finds no vendor.
 *
 * The Arm TRNG firmware interface 1.0 (DEN0098) over the nucleus's
 * entropy pool. Linux asks for it at boot, before anything else needs a
 * random number, and seeds its own generator from it. A guest without it
 * starts unseeded: Linux 6.1 then rekeys its generator for every random
 * number it hands out (one per system call, for the kernel stack offset),
 * which made system calls three times slower under QEMU.
 */
#include <mv/entropy.h>
#include "smccc.h"

/* What TRNG_GET_UUID reports as the implementation: Modvisor's pool. */
static const u8 trng_uuid[16] = {
	0x87, 0x70, 0x4c, 0xdb, 0xbf, 0xd6, 0x46, 0xaa,
	0x87, 0x1c, 0x3c, 0x5f, 0x62, 0xd1, 0x8a, 0x0f,
};

static bool trng_function(u32 fn)
{
	switch (fn) {
	case TRNG_VERSION:
	case TRNG_FEATURES:
	case TRNG_GET_UUID:
	case TRNG_RND32:
	case TRNG_RND64:
		return true;
	}
	return false;
}

/*
 * bits of entropy right-aligned in words of width bits each, the lowest
 * in x[3] (the interface's layout); above bits, zeros.
 */
static s64 trng_fill(u64 x[4], u64 bits, unsigned int width)
{
	u64 w[3];

	if (bits == 0 || bits > 3 * width)
		return TRNG_RET_INVALID_PARAMETERS;
	if (mv_entropy_read(w, sizeof(w)) < 0)
		return TRNG_RET_NO_ENTROPY;
	for (unsigned int i = 0; i < 3; i++) {
		u64 keep = bits > (u64)i * width ? bits - (u64)i * width : 0;

		if (width == 32)
			w[i] &= 0xffffffff;
		if (keep < width)
			w[i] &= (1UL << keep) - 1;
		x[3 - i] = w[i];
	}
	return 0;
}

static void trng_call(u32 fn, u64 x[4])
{
	s64 ret = SMCCC_RET_NOT_SUPPORTED;

	if (!mv_entropy_available()) {
		x[0] = (u64)ret;
		return;
	}
	switch (fn) {
	case TRNG_VERSION:
		ret = 0x10000; /* 1.0 */
		break;
	case TRNG_FEATURES:
		ret = trng_function((u32)x[1]) ? 0 : SMCCC_RET_NOT_SUPPORTED;
		break;
	case TRNG_GET_UUID:
		for (unsigned int i = 0; i < 4; i++)
			x[i] = (u32)(trng_uuid[4 * i] |
				     trng_uuid[4 * i + 1] << 8 |
				     trng_uuid[4 * i + 2] << 16 |
				     (u32)trng_uuid[4 * i + 3] << 24);
		return;
	case TRNG_RND32:
		ret = trng_fill(x, (u32)x[1], 32);
		break;
	case TRNG_RND64:
		ret = trng_fill(x, x[1], 64);
		break;
	}
	x[0] = (u64)ret;
}

bool mv_arm64_smccc_call(u32 fn, u64 x[4])
{
	switch (fn) {
	case SMCCC_VERSION:
		x[0] = 0x10001; /* 1.1 */
		return true;
	case SMCCC_ARCH_FEATURES: {
		u32 asked = (u32)x[1];
		bool known =
			asked == SMCCC_VERSION || asked == SMCCC_ARCH_FEATURES;

		x[0] = known ? 0 : (u64)SMCCC_RET_NOT_SUPPORTED;
		return true;
	}
	case SMCCC_VENDOR_HYP_UID:
		x[0] = (u64)SMCCC_RET_NOT_SUPPORTED;
		return true;
	}
	if (!trng_function(fn))
		return false;
	trng_call(fn, x);
	return true;
}
