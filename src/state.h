/* state.h: writes and reads saved states (--save-state, --merge): the sums
 * of every epoch of a run as versioned, line-based text that reads back to
 * the same bits.  The format is described atop state.c and in rmsetab(1),
 * STATE FORMAT. */
#ifndef RMSETAB_STATE_H
#define RMSETAB_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "measures.h"
#include "metric.h"
#include "segment.h"

enum { STATE_VERSION = 1, STATE_HEADER_LINES = 10 };

/* Header lines, counted from 0 at the first: the -c list, and the names
 * of the true columns. */
enum { STATE_LINE_COLUMNS = 4, STATE_LINE_TRUE = 6 };

/* How the rows of a state were read: states merge only when this is the
 * same. */
struct state_header {
	size_t batch_size;
	bool reset_never;	       /* -r never */
	enum measure columns[M_COUNT]; /* -c */
	size_t ncolumns;
	size_t pairs;
	char **true_names, **pred_names; /* one per pair */
	char *weight, *epoch_col;	 /* NULL when not given */
	bool indices; /* -n: the names are 1-based column numbers */
};

void state_header_free(struct state_header *h);

/* A deep copy of SRC into DST; -1 when out of memory. */
int state_header_copy(struct state_header *dst, const struct state_header *src);

/* What the sums of a state with header H hold: what its -c needs
 * (measures_needs), batch values included. */
void state_segment_config(const struct state_header *h,
			  struct segment_config *sc);

struct state_writer {
	FILE *out;
	struct segment_config sc;
	uint64_t hash, rows;
	char *buf;
	size_t len, cap;
	bool oom;
};

void state_writer_init(struct state_writer *w, FILE *out);
void state_writer_free(struct state_writer *w);

/* Each returns 0, or -1 when out of memory (reported).  A failed write
 * shows in ferror(out). */
int state_write_header(struct state_writer *w, const struct state_header *h);

/* An epoch: KEY (KEY_LEN bytes) with an epoch column, else NUMBER. */
int state_write_epoch(struct state_writer *w, const char *key, size_t key_len,
		      uint64_t number, const struct segment *s);

/* The sums of every row, and the end line. */
int state_write_end(struct state_writer *w, const struct metric_sums *total);

/* An epoch as read. */
struct state_epoch {
	char *key; /* its epoch column value (KEY_LEN bytes), or NULL */
	size_t key_len;
	uint64_t number; /* without an epoch column */
	uint64_t line;	 /* of its first line */
	struct segment seg;
};

void state_epoch_free(struct state_epoch *e);

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
	struct segment_config sc;
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
