/* threshold.h: --fail-above as a sink of the batcher: it watches each
 * epoch's RMSE and remembers the first above the threshold. */
#ifndef RMSETAB_THRESHOLD_H
#define RMSETAB_THRESHOLD_H

#include <stdbool.h>
#include <stdint.h>

#include "batcher.h"
#include "measures.h"

/* --fail-above: ON, an epoch's MEASURE must stay at or below ABOVE. */
struct threshold_config {
	bool on;
	enum measure measure;
	double above;
};

struct threshold {
	enum measure measure; /* what is watched */
	double above;	      /* the threshold */
	bool crossed;	      /* by an epoch, whose number, value (of its
				 epoch column, or NULL) and VALUE follow */
	uint64_t epoch;
	char *key;
	double value;
};

/* Watches the epochs as CFG says. */
void threshold_init(struct threshold *t, const struct threshold_config *cfg);

void threshold_free(struct threshold *t);

/* The sink's function; CTX is the threshold. */
void threshold_line(void *ctx, const struct batcher_line *line);

/* Says on standard error which epoch crossed the threshold first, if one
 * did, and whether one did. */
bool threshold_report(const struct threshold *t);

#endif
