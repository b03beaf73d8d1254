/* state_read.h: reads saved states (state.h), one after the other. */
#ifndef RMSETAB_STATE_READ_H
#define RMSETAB_STATE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metric.h"
#include "state.h"
#include "state_segment.h"

struct state_reader {
	int fd;
	const char *name;
	char *buf; /* what was read and not yet used */
	size_t start, len, cap;
	bool eof;
	char *line; /* the current line, without its line end */
	size_t line_len;
	uint64_t lineno;

	/* The state being read. */
	uint64_t first_line, hash, rows;
	struct state_header h;
	char *raw[STATE_HEADER_LINES]; /* its header lines, as text */
	struct state_segment_config sc;
	struct metric_sums total; /* once state_read_epoch returned 0 */
};

void state_reader_init(struct state_reader *r, int fd, const char *name);
void state_reader_free(struct state_reader *r);

/* Reads the header of the next state: 1 when there is one, 0 at the end
 * of the input, -1 after reporting an error. */
int state_read_header(struct state_reader *r);

/* Reads the next epoch of the state: 1 when there is one, 0 when the
 * state ended (its total read and its checksum right), -1 after reporting
 * an error. */
int state_read_epoch(struct state_reader *r, struct state_epoch *e);

#endif
