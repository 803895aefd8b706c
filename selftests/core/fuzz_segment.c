// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_segment.c - libFuzzer target for the sans-I/O core.
 *
 * Input layout:
 *   byte 0      which state to put a fresh tcb in (mod 11) and config bits
 *   then ops    op byte, followed by its argument:
 *     op & 7 == 0  segment: 1 length byte L, then L bytes parsed as a TCP
 *                  header + options + payload.  If op & 0x80, SEG.SEQ and
 *                  SEG.ACK are rebased near RCV.NXT / SND.UNA so segments
 *                  land in the window instead of being rejected at once.
 *     1  RTX timer fires     2  TIME-WAIT timer fires
 *     3  SEND (1 byte size)  4  CLOSE   5  RECEIVE (1 byte size)
 *     6  ABORT               7  time advances (1 byte, in 10 ms units)
 *
 * After every step the tcb invariants are checked; any violation aborts.
 */
#include <stdlib.h>
#include <stdio.h>
#include "tl_tcb.h"
#include "tl_seq.h"
#include "tl_csum.h"

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, \
			__FILE__, __LINE__); \
		abort(); \
	} \
} while (0)

struct fz {
	struct tl_tcb tcb;
	struct tl_seq_range ooo[4];
	struct tl_actions act;
	struct tl_cfg cfg;
	u64 now;
};

static void fz_check_actions(const struct tl_actions *act, u32 len)
{
	int i;

	CHECK(act->nseg <= TL_ACT_MAX_SEGS);
	CHECK(act->nstate <= TL_ACT_MAX_STATES);
	CHECK((u64)act->deliver_off + act->deliver_len <= len ||
	      !act->deliver_len);
	CHECK((u64)act->ooo_off + act->ooo_len <= len || !act->ooo_len);
	CHECK(act->drop < TL_DROP_NR);
	for (i = 0; i < act->nseg; i++) {
		u8 buf[TL_TCP_HDR_MAX];

		/* every emitted segment must be buildable */
		CHECK(tl_seg_out_build(buf, sizeof(buf), &act->seg[i]) > 0);
	}
	for (i = 0; i < act->nstate; i++)
		CHECK(tl_state_valid(act->state[i].to));
}

static void fz_check(struct fz *f, u32 len)
{
	const struct tl_tcb *t = &f->tcb;

	fz_check_actions(&f->act, len);
	CHECK(tl_state_valid(t->state));
	CHECK(!f->act.release || t->state == TL_CLOSED);
	if (t->state == TL_CLOSED || t->state == TL_LISTEN)
		return;
	CHECK(tl_seq_leq(t->snd_una, t->snd_nxt));
	CHECK(tl_seq_leq(t->snd_nxt, t->snd_max));
	CHECK(tl_seq_leq(t->snd_max, t->snd_end + 1));
	CHECK(t->snd_end + 1 - t->snd_una <= TL_SND_QUEUE_MAX + 2);
	CHECK(t->rcv_wnd <= (TL_WND_MAX << TL_WSCALE_MAX));
	CHECK(t->rcv_space <= t->cfg.rcv_buf);
	CHECK(t->ooo.n <= t->ooo.cap);
	CHECK(t->snd_mss >= TL_MSS_MIN);
}

/* A segment from the peer, used to drive the tcb to a start state. */
static void fz_in(struct fz *f, u8 flags, u32 seq, u32 ack, u32 len)
{
	struct tl_seg_in s;

	memset(&s, 0, sizeof(s));
	s.th.sport = 2000;
	s.th.dport = 1000;
	s.th.doff = 5;
	s.th.flags = flags;
	s.th.seq = seq;
	s.th.ack = ack;
	s.th.wnd = 8192;
	s.len = len;
	tl_input(&f->tcb, &s, f->now, &f->act);
	fz_check(f, len);
}

static void fz_setup(struct fz *f, u8 sel)
{
	const u32 iss = 0xFFFFFF00, irs = 0x7FFFFFF0;
	enum tl_state st = sel % TL_STATE_NR;
	struct tl_child_req req;

	tl_cfg_default(&f->cfg);
	f->cfg.msl_us = 1000000;
	f->cfg.rcv_buf = 4000;
	f->cfg.mss = 536;
	if (sel & 0x80)
		f->cfg.opts = 0;
	if (sel & 0x40)
		f->cfg.cc = NULL;
	if (sel & 0x10) {
		/* flow control variants: keepalive, cork, no Nagle */
		f->cfg.keepalive = true;
		f->cfg.keep_idle_s = 1;
		f->cfg.keep_intvl_s = 1;
		f->cfg.keep_cnt = 2;
		f->cfg.cork = sel & 0x20;
		f->cfg.nodelay = sel & 0x40;
	}
	tl_tcb_init(&f->tcb, &f->cfg, f->ooo, (sel & 0x20) ? 0 : 4);
	f->now = 1000000;

	switch (st) {
	case TL_CLOSED:
		return;
	case TL_LISTEN:
		tl_open_passive(&f->tcb, 1000, &f->act);
		return;
	case TL_SYN_RECEIVED:
		memset(&req, 0, sizeof(req));
		req.lport = 1000;
		req.rport = 2000;
		req.irs = irs;
		req.wnd = 8192;
		tl_accept_syn(&f->tcb, &req, iss, f->now, &f->act);
		return;
	default:
		break;
	}
	tl_open_active(&f->tcb, 1000, 2000, iss, f->now, &f->act);
	if (st == TL_SYN_SENT)
		return;
	fz_in(f, TL_TCP_SYN | TL_TCP_ACK, irs, iss + 1, 0);
	switch (st) {
	case TL_FIN_WAIT_1:
		tl_close(&f->tcb, f->now, &f->act);
		break;
	case TL_FIN_WAIT_2:
		tl_close(&f->tcb, f->now, &f->act);
		fz_in(f, TL_TCP_ACK, irs + 1, iss + 2, 0);
		break;
	case TL_CLOSE_WAIT:
		fz_in(f, TL_TCP_FIN | TL_TCP_ACK, irs + 1, iss + 1, 0);
		break;
	case TL_CLOSING:
		tl_close(&f->tcb, f->now, &f->act);
		fz_in(f, TL_TCP_FIN | TL_TCP_ACK, irs + 1, iss + 1, 0);
		break;
	case TL_LAST_ACK:
		fz_in(f, TL_TCP_FIN | TL_TCP_ACK, irs + 1, iss + 1, 0);
		tl_close(&f->tcb, f->now, &f->act);
		break;
	case TL_TIME_WAIT:
		tl_close(&f->tcb, f->now, &f->act);
		fz_in(f, TL_TCP_FIN | TL_TCP_ACK, irs + 1, iss + 2, 0);
		break;
	default:
		break;
	}
}

/* Parse @len bytes as a segment; feed it to the tcb if it is valid. */
static void fz_segment(struct fz *f, const u8 *p, u32 len, bool rebase)
{
	struct tl_seg_in s;
	struct tl_tcp_opts again;
	u8 opt[TL_TCP_OPT_MAX], hdr[TL_TCP_HDR_MAX];
	u32 hlen;
	int n;

	/* the checksum reads every byte of any length */
	(void)tl_csum_tcp_ipv4(0x0a000001, 0x0a000002, p, len);

	memset(&s, 0, sizeof(s));
	if (tl_seg_parse(p, len, &s.th) != TL_SEG_OK)
		return;
	hlen = tl_seg_hdr_len(&s.th);
	CHECK(hlen >= TL_TCP_HDR_MIN && hlen <= len);
	if (tl_opts_parse(p + TL_TCP_HDR_MIN, hlen - TL_TCP_HDR_MIN,
			  &s.opts) != TL_OPT_OK)
		return;
	CHECK(s.opts.nr_sack <= TL_SACK_MAX_BLOCKS);
	CHECK(s.opts.wscale <= TL_WSCALE_MAX);

	/* build -> parse round trip of what we understood */
	n = tl_opts_build(opt, sizeof(opt), &s.opts);
	CHECK(n >= 0 && n % 4 == 0);
	CHECK(tl_opts_parse(opt, n, &again) == TL_OPT_OK);
	CHECK((again.present & ~TL_OPTF_SACK) ==
	      (s.opts.present & ~TL_OPTF_SACK));
	CHECK(tl_seg_build(hdr, sizeof(hdr), &s.th, opt, n) ==
	      (u32)TL_TCP_HDR_MIN + n);

	s.len = len - hlen;
	if (rebase && f->tcb.state != TL_CLOSED) {
		s.th.seq = f->tcb.rcv_nxt + (s16)(s.th.seq & 0xffff) / 64;
		s.th.ack = f->tcb.snd_una + (s16)(s.th.ack & 0xffff) / 64;
	}
	tl_input(&f->tcb, &s, f->now, &f->act);
	fz_check(f, s.len);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	enum tl_timer_id id;
	struct fz f;
	size_t i = 1;

	if (!size)
		return 0;
	memset(&f, 0, sizeof(f));
	fz_setup(&f, data[0]);
	fz_check(&f, 0);

	while (i < size) {
		u8 op = data[i++];
		u8 arg = i < size ? data[i] : 0;

		switch (op & 7) {
		case 0:
			if (i >= size)
				return 0;
			i++;
			arg = min_t(u8, arg, size - i);
			fz_segment(&f, data + i, arg, op & 0x80);
			i += arg;
			continue;
		case 1:
		case 2:
			id = (op & 7) == 1 ? TL_TIMER_RTX : TL_TIMER_TIME_WAIT;
			/* high bits pick one of the flow control timers */
			if (op & 0x40)
				id = TL_TIMER_TIME_WAIT + 1 +
				     (op >> 3) % (TL_TIMER_NR -
						  TL_TIMER_TIME_WAIT - 1);
			/* time jumps to the deadline, as if the timer fired */
			if (f.tcb.timer[id] > f.now)
				f.now = f.tcb.timer[id];
			tl_timer(&f.tcb, id, f.now, &f.act);
			break;
		case 3:
			tl_send(&f.tcb, (u32)arg * 97, f.now, &f.act);
			i++;
			break;
		case 4:
			tl_close(&f.tcb, f.now, &f.act);
			break;
		case 5:
			tl_rcv_read(&f.tcb, (u32)arg * 31, f.now, &f.act);
			i++;
			break;
		case 6:
			tl_abort(&f.tcb, &f.act);
			break;
		case 7:
			f.now += (u64)arg * 10000;
			i++;
			continue;	/* no core call, no new actions */
		}
		fz_check(&f, 0);
		/* the glue frees a released tcb; model that by stopping */
		if (f.act.release)
			return 0;
	}
	return 0;
}
