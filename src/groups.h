/* groups.h: -g, a flow beside the batcher: one batcher per value of the
 * group columns, found by a hash of the keys, so that each group is
 * computed as if the input held its rows alone; and the lines of every
 * group and of all the rows kept, to be handed on at the end in the order
 * of the output: each group's lines together, groups in the order they
 * first appeared, then the lines of all the rows. */
#ifndef RMSETAB_GROUPS_H
#define RMSETAB_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batcher.h"
#include "metric.h"

struct groups_group;

/* A slot of the table of groups, all that a look-up of a key of up to 8
 * bytes compares: the key's first 8 bytes, the rest zero (key_word), its
 * length (9 for any longer key), and the group's index + 1 into the
 * groups, or 0 for an empty slot. */
struct groups_slot {
	uint64_t word;
	uint32_t len;
	uint32_t group;
};

/* The lines kept of one group, or of all the rows. */
struct groups_lines {
	struct batcher_line *line;
	size_t n, cap;
};

/* What else sees each group's rows and lines as its batcher makes them
 * (--save-state): GROUP when a group is made, I its index (from 0, in
 * order of first appearance) and KEY its key as printed; ROWS and LINE as
 * a batcher_sink's, of group I.  GROUP returns 0, or -1 when out of memory
 * (which the groups report). */
struct groups_tap {
	void *ctx;
	int (*group)(void *ctx, size_t i, const char *key, size_t key_len);
	void (*rows)(void *ctx, size_t i, const struct metric_row *rows,
		     size_t n);
	void (*line)(void *ctx, size_t i, const struct batcher_line *line);
};

struct groups {
	const struct batcher_config *config;
	struct batcher_sink out; /* where the kept lines go at the end */
	struct groups_tap tap;	 /* or none: tap.group NULL */
	bool batch_lines;	 /* the groups' batch lines too */
	bool sq_only;	      /* a row's sq and weight are all that is summed */
	size_t pairs, extras; /* a row's; extras per row in OUT arrays */

	struct groups_group **g; /* in the order of first appearance */
	size_t n, cap;
	struct groups_slot *slot; /* the hash table */
	size_t nslots;
	char *key; /* a composite key being put together */
	size_t key_cap;
	uint64_t file;		 /* the file being read, 1-based, without -e */
	struct groups_lines all; /* the lines of all the rows */
	/* The rows of one call, put in order of group: each row's group, the
	 * groups that have rows there, the rows and their extras. */
	struct groups_group **of, **touched;
	struct metric_row *srows;
	struct xdd *sout;
	size_t scratch_cap;
	uint64_t stamp;
	bool failed; /* out of memory (reported) */
};

/* Groups as CONFIG says (it must outlive G), each with batch lines when
 * BATCH_LINES; the lines go to OUT in groups_finish. */
void groups_init(struct groups *g, const struct batcher_config *config,
		 const struct batcher_sink *out, bool batch_lines);

/* TAP sees every group's rows and lines; before the first row. */
void groups_set_tap(struct groups *g, const struct groups_tap *tap);

/* Rows have PAIRS pairs and EXTRAS per-output values each; once, before
 * the first. */
void groups_start(struct groups *g, size_t pairs, size_t extras);

void groups_free(struct groups *g);

/* Around every input file. */
void groups_file_begin(struct groups *g);
void groups_file_end(struct groups *g);

/* N rows and their per-output values OUT (or NULL), of the epoch column
 * value KEY (KEY_LEN bytes; NULL without -e), each row with NGCOL group
 * fields, FIELD[I] of LEN[I] bytes: each row goes to its group.  Returns
 * 0, or -1 when out of memory (reported). */
int groups_rows(struct groups *g, const struct metric_row *rows,
		const struct xdd *out, size_t n, const char *key,
		size_t key_len, const char *const *field, const size_t *len,
		size_t ngcol);

/* --merge: an epoch of the group whose key is GROUP (GROUP_LEN bytes, as
 * printed), made when it is new, whose rows were read elsewhere: as
 * batcher_epoch says.  Returns 0, or -1 when out of memory (reported). */
int groups_epoch(struct groups *g, const char *group, size_t group_len,
		 const char *key, size_t key_len, uint64_t number,
		 const struct metric_sums *sums, const struct metric_mean *rmse,
		 const struct metric_mean *row_loss);

/* Rows that come by group, as a block of the reader's puts them: NGROUPS
 * groups, COUNT[J] rows of group J after those of the groups before it
 * in ROWS, each group with NGCOL fields FIELD[J * NGCOL + I] of
 * LEN[J * NGCOL + I] bytes; with one field, HASH[J] and WORD[J] are its
 * key_hash and its first 8 bytes, the rest zero (with more, neither is
 * read).  Groups new here are made in the order given:
 * that of their first rows.  KEY and KEY_LEN as in groups_rows; with
 * sq_only alone.  The same as groups_rows given the rows in the order
 * read, a group's rows there being in the same order: each group sums its
 * own.  Returns 0, or -1 when out of memory (reported). */
int groups_runs(struct groups *g, const struct metric_sq_rows *rows,
		const size_t *count, size_t ngroups, const char *key,
		size_t key_len, const char *const *field, const size_t *len,
		size_t ngcol, const uint64_t *hash, const uint64_t *word);

/* A sink's function: keeps a line of all the rows (CTX is the groups). */
void groups_keep_all(void *ctx, const struct batcher_line *line);

/* Ends the run: each group's total line, then every line kept handed
 * on.  Returns 0, or -1 after an error reported (out of memory). */
int groups_finish(struct groups *g);

/* The widest key, in the columns of a terminal (diag_text_width), for the
 * table's group column. */
size_t groups_key_width(const struct groups *g);

#endif
