/* read_input.h: reads each input file to its rows and hands them on in order,
 * through a narrow outlet: the header first, then blocks converted on
 * worker threads, or libcsv from the first quote on. */
#ifndef RMSETAB_READ_INPUT_H
#define RMSETAB_READ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metric.h"
#include "progress.h"
#include "read.h"
#include "read_blocks.h"
#include "read_keys.h"
#include "read_rows.h"

enum { READ_INPUT_SKIPS_SHOWN = READ_ROWS_SKIPS_KEPT };

/* Rows that the reader hands on, in order: N rows, their per-output
 * values OUT (pairs a row) or NULL, and with -e their epoch column value
 * KEY (KEY_LEN bytes), the same for all of them; NULL without -e.  From a
 * fused block (read_fused.c), after the rows: NBATCHES whole batches,
 * summed, of which the first begins after the rows, and TAIL, the sums
 * of the rows after them (NULL: none).  With -g, the rows again for
 * the groups: GROUP_N rows GROUP_ROWS (ROWS outside a fused block), and
 * each one's group: NGCOL fields a row, GROUP[I] of GROUP_LEN[I] bytes,
 * unquoted; GROUP is NULL without -g.  From a fused block, the rows come
 * by group instead (GROUP_COUNT not NULL): rows of squared errors
 * GROUP_SQ and weights GROUP_WEIGHT (NULL: each METRIC_UNIT_WEIGHT), of
 * NGROUPS groups in the order of their first row, GROUP_COUNT[J] rows of
 * group J in the order read after those of the groups before it, its
 * NGCOL fields at GROUP[J * NGCOL]; with one, GROUP_HASH[J] and
 * GROUP_WORD[J] are its key_hash and first 8 bytes, the rest zero. */
struct read_input_rows {
	const struct metric_row *rows;
	const struct xdd *out;
	size_t n;
	const struct metric_batch *batches;
	size_t nbatches;
	const struct metric_sums *tail;
	const char *key;
	size_t key_len;
	const struct metric_row *group_rows;
	size_t group_n;
	const char *const *group;
	const size_t *group_len;
	size_t ngcol;
	struct metric_sq_rows group_sq;
	const size_t *group_count;
	const uint64_t *group_hash, *group_word;
	size_t ngroups;
};

/* Where the rows go.  Each function that returns a status returns 0, or
 * -1 once it has reported an error, which ends the reading. */
struct read_input_outlet {
	void *ctx;
	/* The columns selected in the first file, as PLAN says from its first
	 * record, on LINE of FILE; once, before any row. */
	int (*selected)(void *ctx, const struct read_rows_plan *plan,
			const char *file, uint64_t line);
	/* Around each file; file_end only after a file read whole. */
	void (*file_begin)(void *ctx);
	void (*file_end)(void *ctx);
	/* Rows of one file, in order.  With -e, a new value of the epoch
	 * column comes in a call of its own: each call's rows share one. */
	int (*rows)(void *ctx, const struct read_input_rows *rows);
	/* Between reads: WAIT says that the next read would wait for input,
	 * so that what is done so far should be shown now. */
	int (*idle)(void *ctx, bool wait);
};

struct read_input {
	const struct read_config *cfg;
	struct read_input_outlet outlet;
	struct metric_config row; /* what to work out of each row */
	struct progress *progress;
	struct read_blocks blocks;
	size_t pairs; /* as chosen in the first file; later files must agree */
	bool fused;   /* the configuration lets blocks be fused */

	/* Per file. */
	const char *name;
	size_t file_index; /* this file's place among the files given */
	unsigned char delim;
	int fd;
	struct read_decompress *dz; /* a compressed file's text, or NULL */
	bool eof, planned, failed;
	bool pending_cr; /* the first record ended in a CR that may be CRLF */
	struct read_rows_plan plan;
	uint64_t line;	  /* physical line at the start of the next block */
	uint64_t records; /* data records */
	uint64_t rows;	  /* rows handed on */
	bool unfused;	  /* rows were skipped: no more fused blocks */
	char *carry;	  /* read and not yet in a block */
	size_t carry_len, carry_cap;
	bool carry_open; /* no record ends in the carry, but for a final CR */
	double *t, *p;
	struct xdd *out;
	const char **gkey; /* -g: one row's group fields, read on this thread */
	size_t *gkey_len;
	/* With -e: the epoch column value of the rows being handed on (a
	 * run of equal values is one epoch), those seen before, and where
	 * rows are, worked out only where a run starts: the line of the last
	 * row, and in the block being taken, the line at byte LINE_OFF. */
	char *key;
	size_t key_len, key_cap;
	bool in_run;
	struct read_keys keys;
	uint64_t last_row_line, line_at;
	size_t line_off;

	/* Over the whole run. */
	size_t files_begun;
	uint64_t bytes_read, rows_read, rows_skipped;
	struct {
		const char *name;
		uint64_t line;
	} skipped[READ_INPUT_SKIPS_SHOWN];
};

/* Reads as CFG says (it must outlive IN); rows go to OUTLET.  NWORKERS threads
 * convert blocks; with 0, the calling thread does.  Each read is told to
 * PROGRESS. */
int read_input_init(struct read_input *in, const struct read_config *cfg,
		    const struct read_input_outlet *outlet,
		    struct progress *progress, size_t nworkers);

void read_input_free(struct read_input *in);

/* Reads one file (FD, called NAME in messages) as one or more epochs.
 * Returns 0, or -1 after reporting an error. */
int read_input_file(struct read_input *in, int fd, const char *name);

/* Says on standard error how many rows --skip-invalid skipped, if any. */
void read_input_report_skips(const struct read_input *in);

#endif
