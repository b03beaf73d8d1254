/* threshold.h: --fail-above and --fail-below as a sink of the batcher: it
 * checks each epoch line and the total (and each group's) against every
 * threshold, and keeps a message for each value that fails. */
#ifndef RMSETAB_THRESHOLD_H
#define RMSETAB_THRESHOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batcher.h"
#include "measures.h"

/* One threshold: MEASURE must stay at or below LIMIT (--fail-above), or
 * with BELOW at or above it (--fail-below). */
struct threshold_rule {
	enum measure measure;
	bool below;
	double limit;
};

/* The thresholds of the command line, in its order (none: N is 0). */
struct threshold_config {
	const struct threshold_rule *rules;
	size_t n;
};

struct threshold {
	const struct threshold_config *cfg;
	char *const *files; /* each epoch's file, when epochs are files */
	size_t nfiles;
	char *const *outputs; /* per pair, its column's name, rmse[NAME] */
	size_t pairs;
	char *text; /* the messages so far, each ending in a newline */
	size_t len, cap;
	bool failed; /* out of memory (reported) */
};

/* Checks lines as CFG says (it must outlive T).  Epoch lines without an
 * epoch column are named by their file, FILES[number - 1] of NFILES, when
 * FILES is not NULL (else by their number). */
void threshold_init(struct threshold *t, const struct threshold_config *cfg,
		    char *const *files, size_t nfiles);

/* The names of the per-output columns, rmse[NAME], for per_output
 * thresholds; they must outlive T. */
void threshold_set_outputs(struct threshold *t, char *const *names,
			   size_t pairs);

void threshold_free(struct threshold *t);

/* What the thresholds of CFG need computed: enum measures_need bits. */
unsigned threshold_needs(const struct threshold_config *cfg);

/* The sink's function; CTX is the threshold. */
void threshold_line(void *ctx, const struct batcher_line *line);

/* Says on standard error each value that failed, in the order of the
 * lines, and whether one did. */
bool threshold_report(const struct threshold *t);

#endif
