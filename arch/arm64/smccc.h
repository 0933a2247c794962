/* SPDX-License-Identifier: GPL-2.0 */
/* SMC Calling Convention services for guests besides PSCI (smccc.c). */
#ifndef MV_ARM64_SMCCC_H
#define MV_ARM64_SMCCC_H

#include <mv/types.h>

#define SMCCC_VERSION 0x80000000
#define SMCCC_ARCH_FEATURES 0x80000001
#define SMCCC_VENDOR_HYP_UID 0x8600ff01
#define TRNG_VERSION 0x84000050
#define TRNG_FEATURES 0x84000051
#define TRNG_GET_UUID 0x84000052
#define TRNG_RND32 0x84000053
#define TRNG_RND64 0xc4000053

#define SMCCC_RET_NOT_SUPPORTED (-1)
#define TRNG_RET_INVALID_PARAMETERS (-2)
#define TRNG_RET_NO_ENTROPY (-3)

/*
 * Serve function fn with the guest's x0-x3 (x[0] is fn itself): results
 * go back into x. False if fn is none of these services.
 */
bool mv_arm64_smccc_call(u32 fn, u64 x[4]);

#endif
