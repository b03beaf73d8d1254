/* explain.h: the sentences --explain prints after each epoch's line. */
#ifndef RMSETAB_EXPLAIN_H
#define RMSETAB_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"

/* What an epoch's line says, and what it takes to explain it. */
struct explain_facts {
	const double *v; /* each quantity, by enum measure */
	uint64_t rows, running_rows;
	size_t pairs;
	bool reset_never;
};

/* Writes into BUF (SIZE bytes) a few indented lines, each ending in a
 * newline, on why the numbers of an epoch's line differ; only about
 * columns that are printed.  Returns BUF. */
char *explain_epoch(char *buf, size_t size, const struct report_config *cfg,
		    const struct explain_facts *l);

#endif
