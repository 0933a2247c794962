// SPDX-License-Identifier: GPL-2.0
/*
 * netswitch offloads: modules/net/netswitch/netswitch_offload.c. TCP GSO
 * frames (IPv4, IPv6, with a VLAN tag) cut into segments whose IP and
 * TCP checksums are verified here with an independent checksum, their
 * sequence numbers, lengths, IDs and flags; partial checksums completed;
 * frames passed whole to ports that take them; bad metadata refused;
 * forwarding through netswitch_core to ports of mixed offloads; random
 * metadata never reads or writes outside the frame (ASan).
 */
#include "../../modules/net/netswitch/netswitch_core.h"
#include "../../modules/net/netswitch/netswitch_offload.h"

#include "mv_test.h"

#define MSS 1448

static uint8_t frame[MV_NETFRAME_MAX];
static uint8_t scratch[NS_OFF_SCRATCH];
static uint8_t payload[65536];

/* What emit() was given: copies of every segment. */
#define MAX_SEGS 128
static struct seg {
	uint8_t *data;
	size_t len;
	struct mv_netmeta m;
	const void *ptr;
} segs[MAX_SEGS];
static unsigned int nsegs;

static void emit(void *ctx, const void *f, size_t len,
		 const struct mv_netmeta *m)
{
	(void)ctx;
	CHECK_LT(nsegs, MAX_SEGS);
	segs[nsegs].data = malloc(len);
	memcpy(segs[nsegs].data, f, len);
	segs[nsegs].len = len;
	segs[nsegs].m = *m;
	segs[nsegs].ptr = f;
	nsegs++;
}

static void setup(void)
{
	for (unsigned int i = 0; i < nsegs; i++)
		free(segs[i].data);
	nsegs = 0;
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + (i >> 8));
}

/* Independent of the module: RFC 1071, 16 bits at a time. */
static uint16_t ref_csum(const uint8_t *p, size_t n, uint32_t init)
{
	uint32_t s = init;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;	/* 0xffff when the data holds its checksum */
}

static uint16_t g16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t g32(const uint8_t *p)
{
	return (uint32_t)g16(p) << 16 | g16(p + 2);
}

static void p16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void p32(uint8_t *p, uint32_t v)
{
	p16(p, (uint16_t)(v >> 16));
	p16(p + 2, (uint16_t)v);
}

/* Sum of the pseudo-header of the TCP/UDP segment at l4 (length len). */
static uint32_t pseudo(const uint8_t *f, size_t l3, int v6, uint8_t proto,
		       size_t len)
{
	uint8_t ph[40];
	size_t n;

	memset(ph, 0, sizeof(ph));
	if (v6) {
		memcpy(ph, f + l3 + 8, 32);
		p32(ph + 32, (uint32_t)len);
		ph[39] = proto;
		n = 40;
	} else {
		memcpy(ph, f + l3 + 12, 8);
		ph[9] = proto;
		p16(ph + 10, (uint16_t)len);
		n = 12;
	}
	return ref_csum(ph, n, 0);
}

struct shape {
	int v6, vlan;
	size_t opt;		/* TCP option bytes */
	uint8_t tcp_flags;
};

/*
 * An Ethernet/IP/TCP frame with plen bytes of payload and a partial
 * checksum (pseudo-header sum in the field, as a sender leaves it).
 * Returns the frame length; *l3, *l4, *hlen say where things are.
 */
static size_t build(const struct shape *s, size_t plen, size_t *l3p,
		    size_t *l4p, size_t *hlenp)
{
	size_t l3 = s->vlan ? 18 : 14, l4, hlen, len;

	memset(frame, 0, 128);
	memcpy(frame, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
	if (s->vlan) {
		p16(frame + 12, 0x8100);
		p16(frame + 14, 42);
	}
	p16(frame + l3 - 2, s->v6 ? 0x86dd : 0x0800);
	if (s->v6) {
		frame[l3] = 0x60;
		frame[l3 + 6] = 6;
		frame[l3 + 7] = 64;
		for (int i = 0; i < 32; i++)
			frame[l3 + 8 + i] = (uint8_t)(0xfe + i * 3);
		l4 = l3 + 40;
	} else {
		frame[l3] = 0x45;
		p16(frame + l3 + 4, 0xfff0);	/* ID: wraps */
		p16(frame + l3 + 6, 0x4000);	/* DF */
		frame[l3 + 8] = 64;
		frame[l3 + 9] = 6;
		memcpy(frame + l3 + 12, "\x0a\0\0\x01\x0a\0\0\x02", 8);
		l4 = l3 + 20;
	}
	p16(frame + l4, 40000);
	p16(frame + l4 + 2, 5001);
	p32(frame + l4 + 4, 0xfffff000u);	/* seq: wraps */
	p32(frame + l4 + 8, 12345);
	frame[l4 + 12] = (uint8_t)((20 + s->opt) / 4 << 4);
	frame[l4 + 13] = s->tcp_flags;
	p16(frame + l4 + 14, 512);
	for (size_t i = 0; i < s->opt; i++)
		frame[l4 + 20 + i] = 1;		/* NOP */
	hlen = l4 + 20 + s->opt;
	memcpy(frame + hlen, payload, plen);
	len = hlen + plen;
	if (s->v6)
		p16(frame + l3 + 4, (uint16_t)(len - l4));
	else
		p16(frame + l3 + 2, (uint16_t)(len - l3 > 65535 ? 0 :
					       len - l3));
	p16(frame + l4 + 16, pseudo(frame, l3, s->v6, 6, len - l4));
	*l3p = l3;
	*l4p = l4;
	*hlenp = hlen;
	return len;
}

static struct mv_netmeta gso_meta(const struct shape *s, size_t l4,
				  size_t len)
{
	struct mv_netmeta m = {
		.flags = MV_NETMETA_NEEDS_CSUM,
		.gso_type = s->v6 ? MV_NETMETA_GSO_TCPV6 :
			    MV_NETMETA_GSO_TCPV4,
		.hdr_len = (uint16_t)(len < 200 ? len : 200), /* loose */
		.gso_size = MSS,
		.csum_start = (uint16_t)l4,
		.csum_offset = 16,
	};
	return m;
}

/* Segment a GSO frame for a port without TSO and check every piece. */
static void check_segments(const struct shape *s, size_t plen,
			   unsigned int offloads)
{
	size_t l3, l4, hlen, len = build(s, plen, &l3, &l4, &hlen), off = 0;
	struct mv_netmeta m = gso_meta(s, l4, len);
	unsigned int want = (unsigned int)((plen + MSS - 1) / MSS);
	uint8_t orig[256];
	const char *why = NULL;

	memcpy(orig, frame, hlen);
	CHECK_EQ(ns_off_check(frame, len, &m, &why), 0);
	CHECK_EQ(m.hdr_len, hlen);
	CHECK_EQ(ns_off_adapt(frame, len, &m, offloads, scratch, emit, NULL),
		 want);
	CHECK_EQ(nsegs, want);
	for (unsigned int i = 0; i < nsegs; i++) {
		const uint8_t *g = segs[i].data;
		size_t chunk = plen - off < MSS ? plen - off : MSS;
		uint8_t fl = s->tcp_flags;

		CHECK_EQ(segs[i].len, hlen + chunk);
		CHECK_EQ(segs[i].m.gso_type, MV_NETMETA_GSO_NONE);
		CHECK_EQ(segs[i].m.flags, (offloads & MV_NETPORT_CSUM) ?
			 MV_NETMETA_DATA_VALID : 0);
		/* Ethernet (and VLAN) header unchanged. */
		CHECK(!memcmp(g, orig, l3));
		if (s->v6) {
			CHECK_EQ(g16(g + l3 + 4), segs[i].len - l4);
			CHECK(!memcmp(g + l3 + 6, orig + l3 + 6, 34));
		} else {
			CHECK_EQ(g16(g + l3 + 2), segs[i].len - l3);
			CHECK_EQ(g16(g + l3 + 4), (uint16_t)(0xfff0 + i));
			CHECK_EQ(g16(g + l3 + 6), 0x4000);
			CHECK_EQ(ref_csum(g + l3, 20, 0), 0xffff);
		}
		CHECK_EQ(g32(g + l4 + 4), (uint32_t)(0xfffff000u + off));
		CHECK_EQ(g32(g + l4 + 8), 12345);
		if (i + 1 < nsegs)
			fl &= (uint8_t)~0x09;	/* FIN, PSH: last only */
		if (i)
			fl &= (uint8_t)~0x80;	/* CWR: first only */
		CHECK_EQ(g[l4 + 13], fl);
		CHECK(!memcmp(g + l4 + 20, orig + l4 + 20, s->opt));
		CHECK_EQ(ref_csum(g + l4, segs[i].len - l4,
				  pseudo(g, l3, s->v6, 6, segs[i].len - l4)),
			 0xffff);
		CHECK(!memcmp(g + hlen, payload + off, chunk));
		off += chunk;
	}
	CHECK_EQ(off, plen);
	/* The original is left as it was (it may go to more ports). */
	CHECK(!memcmp(frame, orig, hlen));
	CHECK(!memcmp(frame + hlen, payload, plen));
}

static void test_tso4_segments(void)
{
	struct shape s = { .tcp_flags = 0x80 | 0x10 | 0x08 | 0x01 };

	check_segments(&s, 10000, 0);
}

static void test_tso4_options_csum_port(void)
{
	struct shape s = { .opt = 12, .tcp_flags = 0x18 };

	check_segments(&s, 65535 - 20 - 32, MV_NETPORT_CSUM);
}

static void test_tso4_exact_multiple(void)
{
	struct shape s = { .tcp_flags = 0x19 };

	check_segments(&s, 4 * MSS, MV_NETPORT_TSO6 | MV_NETPORT_CSUM);
}

static void test_tso4_one_segment(void)
{
	struct shape s = { .tcp_flags = 0x99 };

	check_segments(&s, 100, 0);
}

static void test_tso6_segments(void)
{
	struct shape s = { .v6 = 1, .opt = 12, .tcp_flags = 0x98 };

	check_segments(&s, 60000, 0);
}

static void test_tso6_vlan_odd(void)
{
	struct shape s = { .v6 = 1, .vlan = 1, .tcp_flags = 0x11 };

	check_segments(&s, 3 * MSS + 333, MV_NETPORT_TSO4 | MV_NETPORT_CSUM);
}

static void test_tso4_vlan(void)
{
	struct shape s = { .vlan = 1, .tcp_flags = 0x10 };

	check_segments(&s, 20001, 0);
}

/* A port taking TSO gets the frame whole, metadata and all. */
static void test_tso_passes_whole(void)
{
	struct shape s4 = { .tcp_flags = 0x10 }, s6 = { .v6 = 1 };
	size_t l3, l4, hlen, len = build(&s4, 30000, &l3, &l4, &hlen);
	struct mv_netmeta m = gso_meta(&s4, l4, len);
	const char *why;

	CHECK_EQ(ns_off_check(frame, len, &m, &why), 0);
	CHECK_EQ(ns_off_adapt(frame, len, &m, MV_NETPORT_CSUM |
			      MV_NETPORT_TSO4, scratch, emit, NULL), 1);
	CHECK_EQ(nsegs, 1);
	CHECK(segs[0].ptr == frame);
	CHECK_EQ(segs[0].len, len);
	CHECK(!memcmp(&segs[0].m, &m, sizeof(m)));
	len = build(&s6, 30000, &l3, &l4, &hlen);
	m = gso_meta(&s6, l4, len);
	CHECK_EQ(ns_off_check(frame, len, &m, &why), 0);
	CHECK_EQ(ns_off_adapt(frame, len, &m, MV_NETPORT_CSUM |
			      MV_NETPORT_TSO6, scratch, emit, NULL), 1);
	CHECK_EQ(segs[1].m.gso_type, MV_NETMETA_GSO_TCPV6);
	CHECK_EQ(segs[1].m.hdr_len, hlen);
}

/* A UDP datagram with a partial checksum: completed for a plain port. */
static void test_csum_complete(void)
{
	size_t l3 = 14, l4 = 34, len = l4 + 8 + 1001;	/* odd length */
	struct mv_netmeta m = {
		.flags = MV_NETMETA_NEEDS_CSUM | MV_NETMETA_DATA_VALID,
		.csum_start = (uint16_t)l4, .csum_offset = 6,
	};
	const char *why;

	memset(frame, 0, len);
	p16(frame + 12, 0x0800);
	frame[l3] = 0x45;
	p16(frame + l3 + 2, (uint16_t)(len - l3));
	frame[l3 + 9] = 17;
	memcpy(frame + l3 + 12, "\xc0\xa8\x01\x01\xc0\xa8\x01\x02", 8);
	p16(frame + l4 + 4, (uint16_t)(len - l4));
	memcpy(frame + l4 + 8, payload, 1001);
	p16(frame + l4 + 6, pseudo(frame, l3, 0, 17, len - l4));
	CHECK_EQ(ns_off_check(frame, len, &m, &why), 0);
	CHECK_EQ(m.flags, MV_NETMETA_NEEDS_CSUM);	/* DATA_VALID: ours */
	/* A checksumming port: as it is. */
	CHECK_EQ(ns_off_adapt(frame, len, &m, MV_NETPORT_CSUM, scratch, emit,
			      NULL), 1);
	CHECK(segs[0].ptr == frame);
	CHECK_EQ(segs[0].m.flags, MV_NETMETA_NEEDS_CSUM);
	/* A plain port: complete, the original untouched. */
	CHECK_EQ(ns_off_adapt(frame, len, &m, 0, scratch, emit, NULL), 1);
	CHECK(segs[1].ptr != frame);
	CHECK_EQ(segs[1].m.flags, 0);
	CHECK_EQ(segs[1].len, len);
	CHECK_NE(g16(segs[1].data + l4 + 6), 0);
	CHECK_EQ(ref_csum(segs[1].data + l4, len - l4,
			  pseudo(frame, l3, 0, 17, len - l4)), 0xffff);
	CHECK(!memcmp(segs[1].data, frame, l4 + 6));
	CHECK(!memcmp(segs[1].data + l4 + 8, frame + l4 + 8, len - l4 - 8));
	CHECK_EQ(g16(frame + l4 + 6), pseudo(frame, l3, 0, 17, len - l4));
}

static void test_plain_passes(void)
{
	struct mv_netmeta m = { 0 };
	const char *why;

	memset(frame, 0xab, 60);
	CHECK_EQ(ns_off_check(frame, 60, &m, &why), 0);
	CHECK_EQ(ns_off_adapt(frame, 60, &m, 0, scratch, emit, NULL), 1);
	CHECK(segs[0].ptr == frame);
	CHECK_EQ(segs[0].len, 60);
}

static void expect_bad(size_t len, struct mv_netmeta m, const char *want)
{
	const char *why = NULL;

	CHECK_EQ(ns_off_check(frame, len, &m, &why), -1);
	CHECK(why);
	if (!strstr(why, want)) {
		fprintf(stderr, "reason \"%s\", expected \"%s\"\n", why, want);
		CHECK(!"the expected reason");
	}
}

static void test_bad_metadata(void)
{
	struct shape s = { .tcp_flags = 0x10 }, s6 = { .v6 = 1 };
	size_t l3, l4, hlen, len = build(&s, 5000, &l3, &l4, &hlen);
	struct mv_netmeta good = gso_meta(&s, l4, len), m;

	m = good;
	m.flags |= 0x10;
	expect_bad(len, m, "unknown flags");
	m = good;
	m.hdr_len = (uint16_t)(len + 1);
	expect_bad(len, m, "hdr_len");
	m = good;
	m.csum_start = (uint16_t)len;
	expect_bad(len, m, "beyond the frame");
	m = good;
	m.csum_offset = (uint16_t)(len - l4 - 1);
	expect_bad(len, m, "beyond the frame");
	m = good;
	m.csum_start = 0xffff;
	m.csum_offset = 0xffff;
	expect_bad(len, m, "beyond the frame");
	m = good;
	m.gso_size = 0;
	expect_bad(len, m, "gso_size 0");
	m = good;
	m.gso_type = 3;			/* UDP (UFO): not offered */
	expect_bad(len, m, "gso_type");
	m = good;
	m.gso_type = 0x81;		/* ECN: not offered */
	expect_bad(len, m, "gso_type");
	m = good;
	m.gso_type = MV_NETMETA_GSO_TCPV6;
	expect_bad(len, m, "IP version");
	m = good;
	m.flags = 0;
	expect_bad(len, m, "without NEEDS_CSUM");
	m = good;
	m.csum_start -= 2;
	expect_bad(len, m, "not the TCP checksum");
	m = good;
	m.csum_offset = 6;
	expect_bad(len, m, "not the TCP checksum");
	/* Headers only, no payload. */
	m = good;
	m.hdr_len = 0;
	expect_bad(hlen, m, "without payload");
	/* Truncated inside the TCP header. */
	m = good;
	m.csum_offset = 0;
	m.hdr_len = 0;
	expect_bad(l4 + 10, m, "shorter than its headers");
	/* A TCP data offset past the end. */
	frame[l4 + 12] = 0xf0;
	m = good;
	m.hdr_len = 0;
	expect_bad(l4 + 40, m, "TCP header length");
	frame[l4 + 12] = 0x30;
	expect_bad(len, good, "TCP header length");
	/* Not TCP, a fragment, not IP, a bad IP header. */
	len = build(&s, 5000, &l3, &l4, &hlen);
	frame[l3 + 9] = 17;
	expect_bad(len, good, "non-TCP");
	frame[l3 + 9] = 6;
	p16(frame + l3 + 6, 0x2000);	/* MF */
	expect_bad(len, good, "fragment");
	p16(frame + l3 + 6, 0x4000);
	frame[l3] = 0x44;
	expect_bad(len, good, "bad IP header");
	frame[l3] = 0x45;
	p16(frame + 12, 0x0806);
	expect_bad(len, good, "not IPv4 or IPv6");
	len = build(&s6, 5000, &l3, &l4, &hlen);
	good = gso_meta(&s6, l4, len);
	frame[l3 + 6] = 0;		/* hop-by-hop options */
	expect_bad(len, good, "non-TCP IPv6");
	frame[l3 + 6] = 6;
	frame[l3] = 0x40;
	expect_bad(len, good, "bad IP header");
}

static unsigned long counted;

static void emit_count(void *ctx, const void *f, size_t len,
		       const struct mv_netmeta *m)
{
	(void)ctx;
	(void)m;
	CHECK_LE(len, MV_NETFRAME_MAX);
	counted += ((const uint8_t *)f)[len - 1] + 1;	/* touch it */
}

/* Random metadata on random frames: refused or handled, never outside. */
static void test_random_metadata(void)
{
	for (int round = 0; round < 20000; round++) {
		struct shape s = {
			.v6 = (int)mv_test_rand_below(2),
			.vlan = (int)mv_test_rand_below(2),
			.opt = 4 * mv_test_rand_below(11),
			.tcp_flags = (uint8_t)mv_test_rand(),
		};
		size_t l3, l4, hlen, len;
		struct mv_netmeta m;
		const char *why;
		uint8_t *f;

		len = build(&s, 1 + mv_test_rand_below(3000), &l3, &l4, &hlen);
		m = gso_meta(&s, l4, len);
		switch (mv_test_rand_below(6)) {
		case 0:
			m.csum_start = (uint16_t)mv_test_rand();
			break;
		case 1:
			m.gso_size = (uint16_t)mv_test_rand_below(3000);
			break;
		case 2:
			frame[mv_test_rand_below(hlen)] =
				(uint8_t)mv_test_rand();
			break;
		case 3:
			len = mv_test_rand_below(len + 1);
			break;
		case 4:
			m.gso_type = (uint8_t)mv_test_rand();
			m.flags = (uint8_t)mv_test_rand();
			break;
		default:
			m.csum_offset = (uint16_t)mv_test_rand();
			break;
		}
		/* An exact-size copy, so ASan sees any overrun. */
		f = malloc(len ? len : 1);
		memcpy(f, frame, len);
		if (!ns_off_check(f, len, &m, &why)) {
			ns_off_adapt(f, len, &m, 0, scratch, emit_count,
				     NULL);
			ns_off_adapt(f, len, &m, MV_NETPORT_CSUM, scratch,
				     emit_count, NULL);
		}
		free(f);
	}
	CHECK(counted);
}

/* Forwarding through the core to ports of mixed offloads. */
#define PORTS 4
static struct ns_core core;
static struct ns_fdb_entry fdb[16 * NS_FDB_WAYS];
static struct ns_port ports[PORTS];
static unsigned int port_off[PORTS] = {
	MV_NETPORT_CSUM | MV_NETPORT_TSO4 | MV_NETPORT_TSO6,
	MV_NETPORT_CSUM | MV_NETPORT_TSO4 | MV_NETPORT_TSO6,
	MV_NETPORT_CSUM,
	0,
};
static const struct mv_netmeta *cur_meta;
static unsigned int per_port[PORTS];

static void port_emit(void *ctx, const void *f, size_t len,
		      const struct mv_netmeta *m)
{
	per_port[(uintptr_t)ctx]++;
	emit(NULL, f, len, m);
	segs[nsegs - 1].m.hdr_len = (uint16_t)(uintptr_t)ctx; /* port */
}

static void core_out(void *ctx, unsigned int dst, const void *f, size_t len)
{
	(void)ctx;
	ns_off_adapt(f, len, cur_meta, port_off[dst], scratch, port_emit,
		     (void *)(uintptr_t)dst);
}

static void test_mixed_ports(void)
{
	struct shape s = { .tcp_flags = 0x18 };
	size_t l3, l4, hlen, len = build(&s, 64000, &l3, &l4, &hlen);
	struct mv_netmeta m = gso_meta(&s, l4, len);
	unsigned int want = (64000 + MSS - 1) / MSS;
	const char *why;

	ns_core_init(&core, fdb, 16, ports, PORTS, 1000000000ull);
	for (unsigned int i = 0; i < PORTS; i++)
		CHECK_EQ(ns_core_port_add(&core), i);
	memset(per_port, 0, sizeof(per_port));
	CHECK_EQ(ns_off_check(frame, len, &m, &why), 0);
	cur_meta = &m;
	/* Unknown destination: flooded from port 0 to 1, 2, 3. */
	CHECK_EQ(ns_core_input(&core, 0, frame, len, 1, core_out, NULL), 3);
	CHECK_EQ(per_port[0], 0);
	CHECK_EQ(per_port[1], 1);	/* whole: it takes TSO4 */
	CHECK_EQ(per_port[2], want);	/* segments, DATA_VALID */
	CHECK_EQ(per_port[3], want);	/* segments, plain */
	for (unsigned int i = 0; i < nsegs; i++) {
		unsigned int p = segs[i].m.hdr_len;

		if (p == 1) {
			CHECK_EQ(segs[i].len, len);
			CHECK_EQ(segs[i].m.gso_type, MV_NETMETA_GSO_TCPV4);
			continue;
		}
		CHECK_LE(segs[i].len, 1514);
		CHECK_EQ(segs[i].m.flags, p == 2 ? MV_NETMETA_DATA_VALID : 0);
		CHECK_EQ(ref_csum(segs[i].data + l4, segs[i].len - l4,
				  pseudo(segs[i].data, l3, 0, 6,
					 segs[i].len - l4)), 0xffff);
	}
	CHECK_EQ(core.ports[1].st.tx_frames, 1);
	CHECK_EQ(core.ports[3].st.tx_frames, 1);
}

int main(void)
{
	mv_test_init();
	RUN_TEST(test_tso4_segments, setup);
	RUN_TEST(test_tso4_options_csum_port, setup);
	RUN_TEST(test_tso4_exact_multiple, setup);
	RUN_TEST(test_tso4_one_segment, setup);
	RUN_TEST(test_tso6_segments, setup);
	RUN_TEST(test_tso6_vlan_odd, setup);
	RUN_TEST(test_tso4_vlan, setup);
	RUN_TEST(test_tso_passes_whole, setup);
	RUN_TEST(test_csum_complete, setup);
	RUN_TEST(test_plain_passes, setup);
	RUN_TEST(test_bad_metadata, setup);
	RUN_TEST(test_random_metadata, setup);
	RUN_TEST(test_mixed_ports, setup);
	setup();
	return mv_test_summary();
}
