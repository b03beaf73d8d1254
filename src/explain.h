/* explain.h: the sentences --explain prints after each epoch's line. */
#ifndef RMSETAB_EXPLAIN_H
#define RMSETAB_EXPLAIN_H

#include <stddef.h>

#include "options.h"
#include "report.h"

/* Writes into BUF (SIZE bytes) a few indented lines, each ending in a
 * newline, on why the numbers of epoch line L differ; only about columns
 * that are printed.  Returns BUF. */
char *explain_epoch(char *buf, size_t size, const struct options *opts,
		    const struct report_line *l);

#endif
