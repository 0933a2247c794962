// SPDX-License-Identifier: GPL-2.0
/*
 * The C library functions the compiler emits calls to and Debian's libfdt.a
 * links against (DESIGN §7). Simple loops with word fast paths; memcpy
 * moves guest frames and disk blocks, so it copies words whatever the
 * source's alignment (unit.string checks every alignment).
 */
#include <mv/types.h>
#include <string.h>

/*
 * A word that may lie at any address: the compiler loads it with one
 * instruction where the architecture allows that for normal memory
 * (arm64 with SCTLR_ELx.A clear, as here) and byte by byte elsewhere.
 */
struct unaligned_u64 {
	u64 v;
} __attribute__((packed, may_alias));

/*
 * Guest frames and disk blocks come at any alignment: align the
 * destination, then move 32 bytes a round whatever the source's.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	if (n >= 32) {
		for (; (uintptr_t)d & 7; n--)
			*d++ = *s++;
		for (; n >= 32; n -= 32, d += 32, s += 32) {
			const struct unaligned_u64 *w = (const void *)s;
			u64 a = w[0].v, b = w[1].v, c = w[2].v, e = w[3].v;

			((u64 *)d)[0] = a;
			((u64 *)d)[1] = b;
			((u64 *)d)[2] = c;
			((u64 *)d)[3] = e;
		}
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(u64 *)d = ((const struct unaligned_u64 *)s)->v;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	u8 *d = dst;

	if (((uintptr_t)d & 7) == 0) {
		u64 v = (u8)c * 0x0101010101010101ULL;

		for (; n >= 8; n -= 8, d += 8)
			*(u64 *)d = v;
	}
	while (n--)
		*d++ = (u8)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const u8 *p = s;

	for (; n; n--, p++)
		if (*p == (u8)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (u8)*a - (u8)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (u8)*a - (u8)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	unsigned long v = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if ((base == 0 || base == 16) && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}
	for (; digit_value(*s) < base; s++)
		v = v * base + digit_value(*s);
	if (end)
		*end = (char *)s;
	return v;
}

size_t strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] && !strchr(reject, s[n]))
		n++;
	return n;
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (!strncmp(haystack, needle, n))
			return (char *)haystack;
	return n ? NULL : (char *)haystack;
}
