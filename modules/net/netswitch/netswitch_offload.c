// SPDX-License-Identifier: GPL-2.0
/*
 * netswitch offloads (see netswitch_offload.h). Metadata comes from
 * guests: every offset is checked against the frame before use, and the
 * headers of a GSO frame are parsed here rather than taken from hdr_len,
 * which drivers fill loosely (Linux puts its linear length there).
 */
#include "netswitch_offload.h"

#include <string.h>

#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86dd
#define ETH_P_8021Q	0x8100
#define IPPROTO_TCP	6
#define TCP_FIN		0x01
#define TCP_PSH		0x08
#define TCP_CWR		0x80
#define TCP_CSUM_OFF	16

struct tcpframe {
	size_t l3, l4, hlen;	/* IP header, TCP header, payload offsets */
	int v6;
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

uint32_t ns_off_sum(const void *p, size_t n, uint32_t sum)
{
	const uint8_t *b = p;
	uint64_t s = sum;

	/* 32-bit words: 2^16 = 1 modulo 0xffff, so they fold alike. */
	for (; n >= 4; b += 4, n -= 4)
		s += rd32(b);
	if (n >= 2) {
		s += rd16(b);
		b += 2;
		n -= 2;
	}
	if (n)
		s += (uint32_t)b[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

uint16_t ns_off_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Store a checksum; 0 becomes 0xffff (the same in ones' complement, and
 * what UDP needs, for which 0 means "none"). */
static void put_csum(uint8_t *p, uint32_t sum)
{
	uint16_t c = ns_off_fold(sum);

	wr16(p, c ? c : 0xffff);
}

static int parse_tcp(const uint8_t *f, size_t len, struct tcpframe *t,
		     const char **why)
{
	size_t l3 = 14, doff;
	uint16_t type;

	if (len < 14)
		goto short_frame;
	type = rd16(f + 12);
	if (type == ETH_P_8021Q) {
		if (len < 18)
			goto short_frame;
		type = rd16(f + 16);
		l3 = 18;
	}
	t->l3 = l3;
	if (type == ETH_P_IP) {
		size_t ihl;

		if (len < l3 + 20 || f[l3] >> 4 != 4)
			goto bad_ip;
		ihl = (size_t)(f[l3] & 15) * 4;
		if (ihl < 20 || l3 + ihl > len)
			goto bad_ip;
		if (f[l3 + 9] != IPPROTO_TCP) {
			*why = "TSO of a non-TCP IPv4 packet";
			return -1;
		}
		if (rd16(f + l3 + 6) & 0x3fff) {
			*why = "TSO of an IPv4 fragment";
			return -1;
		}
		t->v6 = 0;
		t->l4 = l3 + ihl;
	} else if (type == ETH_P_IPV6) {
		if (len < l3 + 40 || f[l3] >> 4 != 6)
			goto bad_ip;
		if (f[l3 + 6] != IPPROTO_TCP) {
			*why = "TSO of a non-TCP IPv6 packet (or one with "
			       "extension headers)";
			return -1;
		}
		t->v6 = 1;
		t->l4 = l3 + 40;
	} else {
		*why = "TSO of a frame that is not IPv4 or IPv6";
		return -1;
	}
	if (t->l4 + 20 > len)
		goto short_frame;
	doff = (size_t)(f[t->l4 + 12] >> 4) * 4;
	if (doff < 20 || t->l4 + doff > len) {
		*why = "TSO frame with a bad TCP header length";
		return -1;
	}
	t->hlen = t->l4 + doff;
	return 0;
short_frame:
	*why = "TSO frame shorter than its headers";
	return -1;
bad_ip:
	*why = "TSO frame with a bad IP header";
	return -1;
}

int ns_off_check(const uint8_t *frame, size_t len, struct mv_netmeta *m,
		 const char **why)
{
	struct tcpframe t;

	if (m->flags & ~(MV_NETMETA_NEEDS_CSUM | MV_NETMETA_DATA_VALID)) {
		*why = "unknown flags";
		return -1;
	}
	m->flags &= MV_NETMETA_NEEDS_CSUM;	/* DATA_VALID is ours to give */
	if (m->hdr_len > len) {
		*why = "hdr_len beyond the frame";
		return -1;
	}
	if ((m->flags & MV_NETMETA_NEEDS_CSUM) &&
	    (m->csum_start >= len ||
	     (size_t)m->csum_offset + 2 > len - m->csum_start)) {
		*why = "checksum start or offset beyond the frame";
		return -1;
	}
	switch (m->gso_type) {
	case MV_NETMETA_GSO_NONE:
		m->gso_size = 0;
		m->hdr_len = 0;
		return 0;
	case MV_NETMETA_GSO_TCPV4:
	case MV_NETMETA_GSO_TCPV6:
		break;
	default:
		*why = "unknown or unoffered gso_type";
		return -1;
	}
	if (!(m->flags & MV_NETMETA_NEEDS_CSUM)) {
		*why = "TSO frame without NEEDS_CSUM";
		return -1;
	}
	if (!m->gso_size) {
		*why = "TSO frame with gso_size 0";
		return -1;
	}
	if (parse_tcp(frame, len, &t, why))
		return -1;
	if (t.v6 != (m->gso_type == MV_NETMETA_GSO_TCPV6)) {
		*why = "gso_type does not match the IP version";
		return -1;
	}
	if (m->csum_start != t.l4 || m->csum_offset != TCP_CSUM_OFF) {
		*why = "TSO frame whose checksum is not the TCP checksum";
		return -1;
	}
	if (t.hlen >= len) {
		*why = "TSO frame without payload";
		return -1;
	}
	m->hdr_len = (uint16_t)t.hlen;
	return 0;
}

/* Cut a checked GSO frame into gso_size pieces, each fully checksummed. */
static unsigned int segment(const uint8_t *f, size_t len,
			    const struct mv_netmeta *m, unsigned int offloads,
			    uint8_t *s, ns_emit_fn emit, void *ctx)
{
	struct mv_netmeta om = { 0 };
	struct tcpframe t;
	const char *why;
	size_t pay, off, chunk;
	uint32_t seq0, pseudo0;
	uint16_t id0 = 0;
	unsigned int n = 0;

	if (parse_tcp(f, len, &t, &why))
		return 0;	/* checked before: cannot happen */
	if (offloads & MV_NETPORT_CSUM)
		om.flags = MV_NETMETA_DATA_VALID;
	pay = len - t.hlen;
	seq0 = rd32(f + t.l4 + 4);
	if (t.v6) {
		pseudo0 = ns_off_sum(f + t.l3 + 8, 32, IPPROTO_TCP);
	} else {
		pseudo0 = ns_off_sum(f + t.l3 + 12, 8, IPPROTO_TCP);
		id0 = rd16(f + t.l3 + 4);
	}
	for (off = 0; off < pay; off += chunk, n++) {
		size_t tcplen;
		uint8_t *th = s + t.l4;

		chunk = pay - off < m->gso_size ? pay - off : m->gso_size;
		tcplen = t.hlen - t.l4 + chunk;
		memcpy(s, f, t.hlen);
		memcpy(s + t.hlen, f + t.hlen + off, chunk);
		if (t.v6) {
			wr16(s + t.l3 + 4, (uint16_t)tcplen);
		} else {
			size_t ihl = t.l4 - t.l3;

			wr16(s + t.l3 + 2, (uint16_t)(ihl + tcplen));
			wr16(s + t.l3 + 4, (uint16_t)(id0 + n));
			wr16(s + t.l3 + 10, 0);
			wr16(s + t.l3 + 10,
			     ns_off_fold(ns_off_sum(s + t.l3, ihl, 0)));
		}
		wr32(th + 4, seq0 + (uint32_t)off);
		if (off + chunk < pay)
			th[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
		if (n)
			th[13] &= (uint8_t)~TCP_CWR;
		wr16(th + TCP_CSUM_OFF, 0);
		put_csum(th + TCP_CSUM_OFF,
			 ns_off_sum(th, tcplen, pseudo0 + (uint32_t)tcplen));
		emit(ctx, s, t.hlen + chunk, &om);
	}
	return n;
}

unsigned int ns_off_adapt(const uint8_t *frame, size_t len,
			  const struct mv_netmeta *m, unsigned int offloads,
			  uint8_t *scratch, ns_emit_fn emit, void *ctx)
{
	struct mv_netmeta plain = { 0 };

	if (m->gso_type != MV_NETMETA_GSO_NONE) {
		unsigned int need = m->gso_type == MV_NETMETA_GSO_TCPV6 ?
				    MV_NETPORT_TSO6 : MV_NETPORT_TSO4;

		if ((offloads & need) && (offloads & MV_NETPORT_CSUM)) {
			emit(ctx, frame, len, m);
			return 1;
		}
		return segment(frame, len, m, offloads, scratch, emit, ctx);
	}
	if (!(m->flags & MV_NETMETA_NEEDS_CSUM)) {
		emit(ctx, frame, len, &plain);
		return 1;
	}
	if (offloads & MV_NETPORT_CSUM) {
		emit(ctx, frame, len, m);
		return 1;
	}
	/* The field holds the pseudo-header sum: add the rest to it. */
	memcpy(scratch, frame, len);
	put_csum(scratch + m->csum_start + m->csum_offset,
		 ns_off_sum(scratch + m->csum_start, len - m->csum_start, 0));
	emit(ctx, scratch, len, &plain);
	return 1;
}
