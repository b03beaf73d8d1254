/* threshold.c: the check of --fail-above.  An undefined value fails too:
 * a check must not pass on no data. */
#include "threshold.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

void
threshold_init(struct threshold *t, const struct threshold_config *cfg)
{
	memset(t, 0, sizeof *t);
	t->measure = cfg->measure;
	t->above = cfg->above;
}

void
threshold_free(struct threshold *t)
{
	free(t->key);
	t->key = NULL;
}

void
threshold_line(void *ctx, const struct batcher_line *l)
{
	struct threshold *t = ctx;
	double v = l->v[t->measure];

	if (l->kind != BATCHER_EPOCH || t->crossed || v <= t->above)
		return;
	t->crossed = true;
	t->epoch = l->epoch;
	t->value = v;
	/* Without memory for it, the epoch goes by its number. */
	if (l->epoch_key != NULL)
		t->key = strdup(l->epoch_key);
}

bool
threshold_report(const struct threshold *t)
{
	char label[32];

	if (!t->crossed)
		return false;
	snprintf(label, sizeof label, "%" PRIu64, t->epoch);
	diag("epoch %s: %s %.17g is above %.17g (--fail-above)",
	     t->key != NULL ? t->key : label, measures_name(t->measure),
	     t->value, t->above);
	return true;
}
