/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error codes of the nucleus and its modules: functions return 0 or a
 * negative MV_E* value (the Linux numbers, so they read familiar).
 */
#ifndef MODVISOR_ERRNO_H
#define MODVISOR_ERRNO_H

#define MV_EPERM 1
#define MV_ENOENT 2
#define MV_EIO 5
#define MV_E2BIG 7
#define MV_ENOEXEC 8
#define MV_EAGAIN 11
#define MV_ENOMEM 12
#define MV_EFAULT 14
#define MV_EBUSY 16
#define MV_EEXIST 17
#define MV_ENODEV 19
#define MV_EINVAL 22
#define MV_ENOSPC 28
#define MV_ERANGE 34
#define MV_ENOSYS 38
#define MV_ELOOP 40
#define MV_ENOTSUP 95
#define MV_ETIMEDOUT 110

#endif
