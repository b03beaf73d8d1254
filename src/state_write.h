/* state_write.h: writes a saved state (state.h). */
#ifndef RMSETAB_STATE_WRITE_H
#define RMSETAB_STATE_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "metric.h"
#include "state.h"
#include "state_segment.h"

struct state_writer {
	FILE *out;
	struct state_segment_config sc;
	uint64_t hash;
	char *buf; /* the line being built */
	size_t len, cap;
	bool oom, too_long;
};

void state_writer_init(struct state_writer *w, FILE *out);
void state_writer_free(struct state_writer *w);

/* Each returns 0, or -1 when out of memory or when a line would be longer
 * than STATE_LINE_MAX (reported).  A failed write shows in ferror(out). */

/* The header: H, then PART, and the NSOURCES ids SOURCES. */
int state_write_header(struct state_writer *w, const struct state_header *h,
		       const struct state_part *part,
		       const struct state_id *sources, size_t nsources);

/* An epoch: KEY (KEY_LEN bytes) with an epoch column, else NUMBER. */
int state_write_epoch(struct state_writer *w, const char *key, size_t key_len,
		      uint64_t number, const struct state_segment *s);

/* The group line of a group whose key is KEY (KEY_LEN bytes): its epochs
 * follow, after those of all the rows (a header with group columns). */
int state_write_group(struct state_writer *w, const char *key, size_t key_len);

/* The end line. */
int state_write_end(struct state_writer *w);

#endif
