/* state_read.h: reads saved states (state.h), one after the other, each
 * line checked, in memory and time linear in their size. */
#ifndef RMSETAB_STATE_READ_H
#define RMSETAB_STATE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metric.h"
#include "state.h"
#include "state_segment.h"

/* The rows of all the rows' epochs of one number (or key, with an epoch
 * column), and so far those of the groups' epochs of it. */
struct state_tally {
	uint64_t number;
	char *key;
	size_t key_len;
	uint64_t rows, group_rows;
};

struct state_reader {
	int fd;
	const char *name;
	char *buf;		      /* what was read and not yet used */
	size_t start, scan, len, cap; /* scan: no line feed before it */
	bool eof;
	char *line; /* the current line, without its line end */
	size_t line_len;
	uint64_t lineno;
	bool pending;	       /* the current line is the next to be taken */
	uint64_t pending_hash; /* the hash of the lines before it */

	/* The state being read, of format VERSION. */
	uint64_t first_line, hash, version;
	struct state_header h;
	/* Its lines from dtype to epoch-column, each with its line feed:
	 * the states merged must have the same. */
	char *options;
	size_t options_len;
	struct state_part part; /* its run, when it has one, is RUN */
	char *run;
	uint64_t part_line;
	struct state_id *sources;
	size_t nsources, sources_cap;
	uint64_t sources_line; /* of the first */
	struct state_segment_config sc;
	uint64_t epochs;
	/* With group columns: the groups so far, and the rows of all the
	 * rows and of the groups so far, which must come to the same. */
	size_t groups;
	uint64_t all_rows, group_rows;
	/* And by epoch: the groups' rows of an epoch come to its rows
	 * (sorted and each epoch once, from the first group on). */
	struct state_tally *tally;
	size_t ntally, tally_cap;
	bool tally_sorted;
};

void state_reader_init(struct state_reader *r, int fd, const char *name);
void state_reader_free(struct state_reader *r);

/* Reads the header of the next state: 1 when there is one, 0 at the end
 * of the input, -1 after reporting an error. */
int state_read_header(struct state_reader *r);

/* Reads the next epoch of the state: 1 when there is one, 0 when the
 * state ended (its checksum right), -1 after reporting an error.  In a
 * state with group columns, the epochs of all the rows come first, then
 * those of each group (state_epoch.group). */
int state_read_epoch(struct state_reader *r, struct state_epoch *e);

#endif
