// SPDX-License-Identifier: GPL-2.0
/*
 * Host driver for the ARM PL031 real-time clock (QEMU virt has one): the
 * boot device tree's "arm,pl031" node makes the nucleus load this module,
 * which reads the wall-clock time and offers the `rtc` command.
 */
#include <modvisor/errno.h>
#include <modvisor/command.h>
#include <modvisor/device.h>
#include <modvisor/nucleus.h>

#define RTC_DR 0x00	/* seconds since the Unix epoch */

static volatile uint32_t *rtc_regs;

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil_date(uint64_t days, unsigned int *y, unsigned int *m,
		       unsigned int *d)
{
	/* Count from 0000-03-01 so leap days fall at the end of a year. */
	uint64_t z = days + 719468;
	uint64_t era = z / 146097;
	uint64_t doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;

	*d = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (unsigned int)(yoe + era * 400 + (*m <= 2));
}

static void format_time(char *buf, size_t size, uint32_t secs)
{
	unsigned int y, mo, d;

	civil_date(secs / 86400, &y, &mo, &d);
	mv_snprintf(buf, size, "%04u-%02u-%02u %02u:%02u:%02u UTC", y, mo, d,
		    (unsigned int)(secs / 3600 % 24),
		    (unsigned int)(secs / 60 % 60), (unsigned int)(secs % 60));
}

static int rtc_probe(struct mv_device *dev)
{
	char now[32];

	if (!dev->regs || dev->reg_size < 0x1000)
		return -MV_EINVAL;
	rtc_regs = dev->regs;
	format_time(now, sizeof(now), rtc_regs[RTC_DR / 4]);
	mv_log(MV_LOG_INFO, "pl031-rtc: %s: the time is %s\n", dev->path, now);
	return 0;
}

static void rtc_remove(struct mv_device *dev)
{
	(void)dev;
	rtc_regs = NULL;
}

static int rtc_cmd(int argc, char **argv)
{
	char now[32];

	(void)argc;
	(void)argv;
	if (!rtc_regs) {
		mv_printf("rtc: no PL031 bound\n");
		return -19;
	}
	format_time(now, sizeof(now), rtc_regs[RTC_DR / 4]);
	mv_printf("%s\n", now);
	return 0;
}

static const struct mv_driver_ops rtc_ops = {
	.probe = rtc_probe,
	.remove = rtc_remove,
};

MV_MODULE(pl031-rtc, NULL, NULL);
MV_MODULE_VERSION("1.0");
MV_MODULE_LICENSE("GPL-2.0");
MV_MODULE_DESCRIPTION("ARM PL031 real-time clock");
MV_DRIVER("arm,pl031", rtc_ops);
MV_COMMAND(rtc, rtc_cmd, "show the host's real-time clock", "rtc");
