// SPDX-License-Identifier: GPL-2.0
/*
 * ladder_svg.c - tcplab-ladder's SVG diagram: the same rows as the text
 * ladder, drawn as a textbook draws them.  Two vertical lines are the
 * ends (left: the end that sent the first SYN); each segment is a
 * slanted arrow from the sender's line to the receiver's, labelled with
 * flags, relative seq/ack and length; states are written beside the
 * line of the end that entered them; retransmissions are red, lost
 * segments end in a cross half way; TLS records are written under the
 * segment that carries them; TLS phases are bands across the wire.
 * Time flows down; the left margin gives each row's time in seconds
 * since the connection's first event.  Plain SVG 1.1, no scripts.
 */
#include <string.h>

#include "ladder.h"

#define W		960
#define XL		300	/* the left end's line */
#define XR		660	/* the right end's line */
#define ROW_H		34
#define SLANT		20	/* how far down an arrow travels */
#define HEAD_H		70

static int conn_height(const struct ladder_conn *c)
{
	int h = HEAD_H + 20, i;

	for (i = 0; i < c->nrows; i++)
		h += c->rows[i].kind == ROW_SEG && (c->rows[i].tls[0] ||
			c->rows[i].retrans[0]) ? ROW_H + 14 : ROW_H;
	return h;
}

static void text(FILE *o, int x, int y, const char *anchor, const char *cls,
		 const char *s)
{
	char esc[512];

	tl_xml_escape(s, esc, sizeof(esc));
	fprintf(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" class=\"%s\">%s</text>\n",
		x, y, anchor, cls, esc);
}

static void segment(FILE *o, const struct ladder_row *r, int y)
{
	int x0 = r->side ? XR : XL, x1 = r->side ? XL : XR;
	int y1 = y + SLANT, xm = (XL + XR) / 2;
	const char *cls = r->retrans[0] ? "seg retrans" : "seg";
	char label[128], note[256];

	ladder_seg_label(r, label, sizeof(label));
	if (r->lost) {
		/* Stop two thirds of the way and cross it out. */
		int xe = x0 + (x1 - x0) * 2 / 3, ye = y + SLANT * 2 / 3;

		fprintf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"%s\"/>\n",
			x0, y, xe, ye, cls);
		fprintf(o, "<path d=\"M%d %d l10 10 m0 -10 l-10 10\" class=\"lost\"/>\n",
			xe - 5, ye - 5);
		text(o, xe + (r->side ? -10 : 10), ye + 4, r->side ? "end" : "start",
		     "lostlabel", "lost");
	} else {
		fprintf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"%s\" marker-end=\"url(#%s)\"/>\n",
			x0, y, x1, y1, cls, r->retrans[0] ? "headr" : "head");
	}
	text(o, xm, y + 1, "middle", r->retrans[0] ? "label rlabel" : "label",
	     label);
	if (r->retrans[0] || r->tls[0]) {
		snprintf(note, sizeof(note), "%s%s%s%s%s",
			 r->retrans[0] ? "retransmission (" : "",
			 r->retrans[0] ? r->retrans : "",
			 r->retrans[0] ? ")" : "",
			 r->retrans[0] && r->tls[0] ? " \xc2\xb7 " : "",
			 r->tls[0] ? r->tls : "");
		text(o, xm, y + SLANT + 12, "middle",
		     r->tls[0] ? "tls" : "note", note);
	}
}

static int draw_conn(FILE *o, const struct ladder_conn *c, int y0, int idx,
		     int total)
{
	int y = y0 + HEAD_H, h = conn_height(c), i;
	double t0 = c->nrows ? c->rows[0].ts : 0;
	char title[160], t[32], role[48];

	if (total > 1) {
		snprintf(title, sizeof(title), "connection %d of %d", idx + 1,
			 total);
		text(o, 10, y0 + 16, "start", "title", title);
	}
	text(o, XL, y0 + 38, "middle", "end", c->left);
	ladder_role(c, 0, role, sizeof(role));
	text(o, XL, y0 + 54, "middle", "role", role);
	text(o, XR, y0 + 38, "middle", "end", c->right);
	ladder_role(c, 1, role, sizeof(role));
	text(o, XR, y0 + 54, "middle", "role", role);
	text(o, 40, y0 + 54, "middle", "role", "time (s)");
	if (c->capture)
		text(o, W - 10, y0 + 16, "end", "role",
		     "states inferred from the capture");
	fprintf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"life\"/>\n",
		XL, y - 8, XL, y0 + h - 10);
	fprintf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"life\"/>\n",
		XR, y - 8, XR, y0 + h - 10);

	for (i = 0; i < c->nrows; i++) {
		const struct ladder_row *r = &c->rows[i];
		int rh = ROW_H;

		snprintf(t, sizeof(t), "%.3f", r->ts - t0);
		text(o, 40, y + 10, "middle", "time", t);
		switch (r->kind) {
		case ROW_STATE:
			text(o, r->side ? XR + 10 : XL - 10, y + 12,
			     r->side ? "start" : "end", "state", r->text);
			break;
		case ROW_KEY:
			fprintf(o, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" class=\"key\"/>\n",
				(r->side ? XR : XL) - 6, y);
			text(o, r->side ? XR + 12 : XL - 12, y + 11,
			     r->side ? "start" : "end", "keylabel", r->text);
			break;
		case ROW_PHASE:
			fprintf(o, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" class=\"phase\"/>\n",
				XL, y, XR - XL);
			text(o, (XL + XR) / 2, y + 14, "middle", "phaselabel",
			     r->text);
			break;
		case ROW_SEG:
			segment(o, r, y);
			if (r->tls[0] || r->retrans[0])
				rh += 14;
			break;
		}
		y += rh;
	}
	return h;
}

int ladder_svg(const char *path, const struct ladder_conn *c, int nc)
{
	int h = 0, y = 0, k;
	FILE *o;

	for (k = 0; k < nc; k++)
		h += conn_height(&c[k]);
	o = fopen(path, "w");
	if (!o) {
		perror(path);
		return -1;
	}
	fprintf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
		W, h, W, h);
	fprintf(o, "<title>tcplab ladder diagram</title>\n"
		"<defs>\n"
		"<marker id=\"head\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\"><path d=\"M0 0 L10 4 L0 8 z\" fill=\"#222\"/></marker>\n"
		"<marker id=\"headr\" markerWidth=\"10\" markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\"><path d=\"M0 0 L10 4 L0 8 z\" fill=\"#c00\"/></marker>\n"
		"<style>\n"
		"text { font-family: monospace; font-size: 12px; fill: #222; }\n"
		".title { font-size: 14px; font-weight: bold; }\n"
		".end { font-weight: bold; } .role, .time { fill: #777; font-size: 11px; }\n"
		".state { fill: #05a; font-weight: bold; }\n"
		".life { stroke: #999; stroke-width: 2; }\n"
		".seg { stroke: #222; stroke-width: 1.5; }\n"
		".retrans { stroke: #c00; fill: #c00; } .rlabel { fill: #c00; }\n"
		".lost { stroke: #c00; stroke-width: 2.5; fill: none; }\n"
		".lostlabel, .note { fill: #c00; font-size: 11px; }\n"
		".tls { fill: #083; font-size: 11px; }\n"
		".key { fill: #fc3; stroke: #a80; } .keylabel { fill: #850; font-size: 10px; }\n"
		".phase { fill: #eef6ee; stroke: #9c9; stroke-dasharray: 4 3; }\n"
		".phaselabel { fill: #363; font-size: 11px; }\n"
		"</style>\n</defs>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	for (k = 0; k < nc; k++)
		y += draw_conn(o, &c[k], y, k, nc);
	fprintf(o, "</svg>\n");
	if (fclose(o)) {
		perror(path);
		return -1;
	}
	return 0;
}
