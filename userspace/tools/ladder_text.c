// SPDX-License-Identifier: GPL-2.0
/*
 * ladder_text.c - tcplab-ladder's text diagram: the left end's states
 * in the left column, the right end's in the right column, one arrow per
 * segment across the "wire" between them.  A pause of half a second or
 * more (a retransmission timeout, TIME-WAIT) is written as a gap.
 */
#include <string.h>

#include "ladder.h"

#define LEFT_W		14	/* the left state column */
#define ARROW_W		52
#define GAP_S		0.15	/* a pause worth showing (RTO >= 200 ms) */

void ladder_role(const struct ladder_conn *c, int side, char *out, size_t n)
{
	/* Who opened is not in a capture that starts after the SYNs. */
	if (c->capture && !c->syn_seen) {
		snprintf(out, n, "%s", side == 0 ? "first to send" :
			 "no SYN captured");
		return;
	}
	snprintf(out, n, "%s%s", side == 0 ? "client" :
		 c->listener || !c->right_syn ? "server" :
		 "client too: simultaneous open",
		 c->traced[side] || c->capture ? "" : ", not tcplab");
}

void ladder_seg_label(const struct ladder_row *r, char *out, size_t n)
{
	char names[48];
	int k;

	tl_flag_names(r->flags, names, sizeof(names));
	k = snprintf(out, n, "%s seq=%u", names, r->seq);
	if (r->has_ack && k < (int)n)
		k += snprintf(out + k, n - k, " ack=%u", r->ack);
	if (r->len && k < (int)n)
		snprintf(out + k, n - k, " len=%u", r->len);
}

static void arrow(FILE *out, const struct ladder_row *r)
{
	char line[ARROW_W + 1], label[96];
	bool right = r->side == 0;
	int len, start, i;

	ladder_seg_label(r, label, sizeof(label));
	len = (int)strlen(label);
	memset(line, '-', ARROW_W);
	line[ARROW_W] = 0;
	if (right)
		line[ARROW_W - 1] = '>';
	else
		line[0] = '<';
	start = (ARROW_W - len) / 2;
	if (start < 2)
		start = 2;
	line[start - 1] = ' ';
	for (i = 0; i < len && start + i < ARROW_W - 2; i++)
		line[start + i] = label[i];
	if (start + i < ARROW_W - 1)
		line[start + i] = ' ';
	if (r->lost) {
		/* The segment never reached the other end: cut the arrow. */
		int cut = start + i + 3;

		if (right) {
			for (int j = cut; j < ARROW_W; j++)
				line[j] = ' ';
			if (cut < ARROW_W)
				line[cut - 1] = 'X';
		} else {
			cut = start - 4;
			for (int j = 0; j < cut && j >= 0; j++)
				line[j] = ' ';
			if (cut >= 0)
				line[cut] = 'X';
		}
	}
	fprintf(out, "%-*s %s%s\n", LEFT_W, "", line,
		r->lost ? "  lost" : "");
	if (r->retrans[0] || r->tls[0]) {
		char note[256];

		snprintf(note, sizeof(note), "%s%s%s%s%s",
			 r->retrans[0] ? "RETRANSMISSION (" : "",
			 r->retrans[0] ? r->retrans : "",
			 r->retrans[0] ? ")" : "",
			 r->retrans[0] && r->tls[0] ? "  " : "",
			 r->tls[0] ? r->tls : "");
		len = (int)strlen(note) + 2;
		start = (ARROW_W - len) / 2;
		fprintf(out, "%-*s %*s[%s]\n", LEFT_W, "", start > 0 ? start : 0,
			"", note);
	}
}

void ladder_text(FILE *out, const struct ladder_conn *c, int idx, int total)
{
	char role[2][48];
	double prev = -1;
	int i;

	if (total > 1)
		fprintf(out, "%sconnection %d of %d\n", idx ? "\n" : "", idx + 1,
			total);
	fprintf(out, "%-*s %s\n", LEFT_W + ARROW_W + 1, c->left, c->right);
	ladder_role(c, 0, role[0], sizeof(role[0]));
	ladder_role(c, 1, role[1], sizeof(role[1]));
	fprintf(out, "(%-*s (%s)\n", LEFT_W + ARROW_W, strcat(role[0], ")"),
		role[1]);
	if (c->capture)
		fprintf(out, "(states inferred from the capture)\n");
	fputc('\n', out);
	for (i = 0; i < c->nrows; i++) {
		const struct ladder_row *r = &c->rows[i];

		if (prev >= 0 && r->ts - prev >= GAP_S)
			fprintf(out, "%-*s %*s:  %.1f s later\n", LEFT_W, "",
				ARROW_W / 2 - 1, "", r->ts - prev);
		prev = r->ts;
		switch (r->kind) {
		case ROW_STATE:
			if (r->side)
				fprintf(out, "%-*s %*s %s\n", LEFT_W, "",
					ARROW_W, "", r->text);
			else
				fprintf(out, "%s\n", r->text);
			break;
		case ROW_KEY:
			if (r->side)
				fprintf(out, "%-*s %*s * %s\n", LEFT_W, "",
					ARROW_W, "", r->text);
			else
				fprintf(out, "* %s\n", r->text);
			break;
		case ROW_PHASE:
			fprintf(out, "%-*s === %s ===\n", LEFT_W, "", r->text);
			break;
		case ROW_SEG:
			arrow(out, r);
			break;
		}
	}
}
