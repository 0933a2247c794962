/* SPDX-License-Identifier: GPL-2.0 */
/* Nucleus error codes: the SDK's (modules return the same). */
#ifndef MV_ERRNO_H
#define MV_ERRNO_H

#include <modvisor/errno.h>

#endif
