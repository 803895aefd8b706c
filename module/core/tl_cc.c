// SPDX-License-Identifier: GPL-2.0
/*
 * tl_cc.c - the congestion control algorithms tcplab knows, by name (as
 * TCP_CONGESTION spells them).
 */
#include "tl_types.h"
#include "tl_cc.h"

static const struct tl_cc_ops *const tl_cc_all[] = {
	&tl_cc_reno,
	&tl_cc_cubic,
};

const struct tl_cc_ops *tl_cc_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tl_cc_all); i++)
		if (!strcmp(tl_cc_all[i]->name, name))
			return tl_cc_all[i];
	return NULL;
}

void tl_cc_switch(struct tl_cc *cc, const struct tl_cc_ops *ops)
{
	/*
	 * Like Linux's tcp_set_congestion_control() on a live connection:
	 * cwnd and ssthresh carry over, the algorithm starts its own state
	 * afresh.
	 */
	cc->ops = ops;
	memset(cc->priv, 0, sizeof(cc->priv));
}
