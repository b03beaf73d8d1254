/* saver.h: --save-state as a sink of the batcher: the header once the
 * columns are known, each epoch's state as it ends, with -g each group's
 * epochs, the end line at the end. */
#ifndef RMSETAB_SAVER_H
#define RMSETAB_SAVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "batcher.h"
#include "metric.h"
#include "state.h"
#include "state_segment.h"
#include "state_write.h"

/* --part K/N (PART 0: not given) and --run-id (or NULL). */
struct saver_config {
	uint64_t part, parts;
	const char *run_id;
};

/* An epoch of a group, kept until the end. */
struct saver_epoch {
	char *key; /* its epoch column value, or NULL */
	size_t key_len;
	uint64_t number;
	struct state_segment seg;
};

/* A group (-g): its rows of the epoch going on, and its epochs so far. */
struct saver_group {
	char *key; /* as printed */
	size_t key_len;
	struct state_segment_builder seg;
	struct saver_epoch *epochs;
	size_t n, cap;
};

struct saver {
	const struct saver_config *config;
	struct state_writer writer;
	struct state_header header;
	struct state_segment_builder seg; /* the rows of the epoch going on */
	/* With -g, the groups, in order: their epochs are written at the end,
	 * after those of all the rows. */
	struct saver_group *groups;
	size_t ngroups, groups_cap;
	bool failed; /* out of memory, or a line too long (reported) */
};

/* The state goes to OUT, as CONFIG (which must outlive S) says. */
void saver_init(struct saver *s, FILE *out, const struct saver_config *config);

void saver_free(struct saver *s);

/* Writes the header H, and takes over its names.  Returns 0, or -1 after
 * reporting an error. */
int saver_start(struct saver *s, struct state_header *h);

/* The sink's two functions; CTX is the saver.  With group columns in the
 * header, the total line writes every group's epochs before the end
 * line. */
void saver_rows(void *ctx, const struct metric_row *rows, size_t n);
void saver_line(void *ctx, const struct batcher_line *line);

/* With -g, as a groups_tap's: group I (from 0, each once, in order) of
 * KEY (KEY_LEN bytes) begins, 0 or -1 when out of memory (not reported);
 * its rows; its lines. */
int saver_group(void *ctx, size_t i, const char *key, size_t key_len);
void saver_group_rows(void *ctx, size_t i, const struct metric_row *rows,
		      size_t n);
void saver_group_line(void *ctx, size_t i, const struct batcher_line *line);

#endif
