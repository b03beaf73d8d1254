/* groups.c: -g.  Every group has a batcher of its own, so that its
 * batches, epochs and resets are those of its rows alone; rows find their
 * group through a hash table of the keys, which need not come sorted.
 * The lines wait here until the end: the output shows each group's lines
 * together, and a group's last epoch ends with the last file. */
#include "groups.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "key_hash.h"

/* How many groups ahead groups_runs fetches a group's sums. */
enum { GROUPS_AHEAD = 4 };

struct groups_group {
	/* First what groups_runs reads of a group for each block it has
	 * rows in, with the start of its batcher (batcher.h). */
	uint64_t file; /* the file of its epoch going on, without -e */
	struct batcher b;
	char *key; /* as printed: NUL-terminated, KEY_LEN bytes */
	size_t key_len;
	uint64_t hash;
	struct groups *owner;
	size_t index; /* in owner->g */
	struct groups_lines lines;
	bool failed; /* a line not kept: out of memory */
	/* In the rows of one call: its first place in the scratch arrays,
	 * and how many. */
	size_t at, count;
	uint64_t stamp; /* the call that counted it last */
};

static void
lines_free(struct groups_lines *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free((void *)l->line[i].per_output);
		free((void *)l->line[i].epoch_key);
	}
	free(l->line);
}

/* A copy of LINE, of the group named KEY (or of all the rows), that needs
 * nothing of the batcher's after it: its sums are not kept. */
static int
keep(struct groups_lines *l, const struct batcher_line *line,
     const struct groups_group *owner)
{
	struct batcher_line *c;
	double *po = NULL;
	char *ek = NULL;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct batcher_line *p = realloc(l->line, cap * sizeof *p);

		if (p == NULL)
			return -1;
		l->line = p;
		l->cap = cap;
	}
	if (line->pairs > 0) {
		if ((po = malloc(line->pairs * sizeof *po)) == NULL)
			return -1;
		memcpy(po, line->per_output, line->pairs * sizeof *po);
	}
	if (line->epoch_key != NULL &&
	    (ek = strndup(line->epoch_key, line->epoch_key_len)) == NULL) {
		free(po);
		return -1;
	}
	c = &l->line[l->n++];
	*c = *line;
	c->per_output = po;
	c->epoch_key = ek;
	c->sums = NULL;
	c->group = owner != NULL ? owner->key : NULL;
	c->group_len = owner != NULL ? owner->key_len : 0;
	return 0;
}

/* The sink of a group's batcher. */
static void
keep_group(void *ctx, const struct batcher_line *line)
{
	struct groups_group *gr = ctx;
	const struct groups_tap *tap = &gr->owner->tap;

	if (keep(&gr->lines, line, gr) != 0)
		gr->failed = true; /* reported at the end */
	if (tap->line != NULL)
		tap->line(tap->ctx, gr->index, line);
}

/* The rows of a group's batcher, to the tap. */
static void
tap_rows(void *ctx, const struct metric_row *rows, size_t n)
{
	struct groups_group *gr = ctx;
	const struct groups_tap *tap = &gr->owner->tap;

	tap->rows(tap->ctx, gr->index, rows, n);
}

void
groups_keep_all(void *ctx, const struct batcher_line *line)
{
	struct groups *g = ctx;

	if (keep(&g->all, line, NULL) != 0)
		g->failed = true;
}

void
groups_init(struct groups *g, const struct batcher_config *config,
	    const struct batcher_sink *out, bool batch_lines)
{
	memset(g, 0, sizeof *g);
	g->config = config;
	g->sq_only = config->sums.sq_only && !config->sums.f32;
	g->out = *out;
	g->batch_lines = batch_lines;
}

void
groups_set_tap(struct groups *g, const struct groups_tap *tap)
{
	g->tap = *tap;
}

void
groups_start(struct groups *g, size_t pairs, size_t extras)
{
	g->pairs = pairs;
	g->extras = extras;
}

void
groups_free(struct groups *g)
{
	for (size_t i = 0; i < g->n; i++) {
		batcher_free(&g->g[i]->b);
		lines_free(&g->g[i]->lines);
		free(g->g[i]->key);
		free(g->g[i]);
	}
	free(g->g);
	free(g->slot);
	free(g->key);
	free(g->of);
	free(g->touched);
	free(g->srows);
	free(g->sout);
	lines_free(&g->all);
}

void
groups_file_begin(struct groups *g)
{
	g->file++;
}

void
groups_file_end(struct groups *g)
{
	for (size_t i = 0; i < g->n; i++)
		batcher_file_end(&g->g[i]->b);
}

/* The key of several fields as printed: a CSV record of them, each
 * quoted when it holds a comma, a quote or a line end, so that different
 * keys never print the same. */
static int
composite(struct groups *g, const char *const *field, const size_t *len,
	  size_t ngcol, size_t *key_len)
{
	size_t need = 0, k = 0;

	for (size_t i = 0; i < ngcol; i++)
		need += 2 * len[i] + 3;
	if (need > g->key_cap) {
		char *p = realloc(g->key, need);

		if (p == NULL)
			return -1;
		g->key = p;
		g->key_cap = need;
	}
	for (size_t i = 0; i < ngcol; i++) {
		const char *f = field[i];
		size_t n = len[i];
		bool quote = false;

		for (size_t j = 0; j < n && !quote; j++)
			quote = f[j] == ',' || f[j] == '"' || f[j] == '\r' ||
				f[j] == '\n';
		if (i > 0)
			g->key[k++] = ',';
		if (!quote) {
			memcpy(g->key + k, f, n);
			k += n;
			continue;
		}
		g->key[k++] = '"';
		for (size_t j = 0; j < n; j++) {
			if (f[j] == '"')
				g->key[k++] = '"';
			g->key[k++] = f[j];
		}
		g->key[k++] = '"';
	}
	*key_len = k;
	return 0;
}

/* What a slot holds of the length LEN of a key. */
static uint32_t
slot_len(size_t len)
{
	return len <= 8 ? (uint32_t)len : 9;
}

/* The empty slot for a key of hash H in SLOT, of N slots. */
static size_t
free_slot(const struct groups_slot *slot, size_t n, uint64_t h)
{
	size_t s = (size_t)h & (n - 1);

	while (slot[s].group != 0)
		s = (s + 1) & (n - 1);
	return s;
}

/* Room for one more group in a table at most half full. */
static int
grow(struct groups *g)
{
	size_t nslots = g->nslots ? 2 * g->nslots : 64;
	struct groups_slot *slot;

	if (2 * (g->n + 1) <= g->nslots)
		return 0;
	/* A slot's index is 32 bits: so many groups would not fit in
	 * memory anyway. */
	if (g->n >= UINT32_MAX - 1 ||
	    (slot = calloc(nslots, sizeof *slot)) == NULL)
		return -1;
	for (size_t i = 0; i < g->nslots; i++)
		if (g->slot[i].group != 0)
			slot[free_slot(slot, nslots,
				       g->g[g->slot[i].group - 1]->hash)] =
				g->slot[i];
	free(g->slot);
	g->slot = slot;
	g->nslots = nslots;
	return 0;
}

/* A new group of KEY (LEN bytes, hash H). */
static struct groups_group *
add(struct groups *g, const char *key, size_t len, uint64_t h)
{
	struct groups_group *gr;
	const struct batcher_sink sink = {
		NULL, keep_group, g->tap.rows != NULL ? tap_rows : NULL};

	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 16;
		struct groups_group **p = realloc(g->g, cap * sizeof *p);

		if (p == NULL)
			return NULL;
		g->g = p;
		g->cap = cap;
	}
	/* On a line of the cache of its own: what groups_runs reads of it
	 * is then on its first two. */
	if (grow(g) != 0 ||
	    (gr = aligned_alloc(64, (sizeof *gr + 63) / 64 * 64)) == NULL)
		return NULL;
	memset(gr, 0, sizeof *gr);
	if ((gr->key = malloc(len + 1)) == NULL) {
		free(gr);
		return NULL;
	}
	memcpy(gr->key, key, len);
	gr->key[len] = '\0';
	gr->key_len = len;
	gr->hash = h;
	gr->owner = g;
	gr->index = g->n;
	batcher_init(&gr->b, g->config, &sink, g->batch_lines);
	gr->b.sink.ctx = gr;
	if (batcher_start(&gr->b, g->pairs) != 0 ||
	    (g->tap.group != NULL &&
	     g->tap.group(g->tap.ctx, g->n, key, len) != 0)) {
		batcher_free(&gr->b);
		free(gr->key);
		free(gr);
		return NULL;
	}
	g->g[g->n++] = gr;
	g->slot[free_slot(g->slot, g->nslots, h)] = (struct groups_slot){
		key_word(key, len < 8 ? len : 8, key + len), slot_len(len),
		(uint32_t)g->n};
	return gr;
}

/* Whether group GR's key is KEY (LEN bytes, hash H).  Keys are short:
 * a loop costs less than a call. */
static bool
is_key(const struct groups_group *gr, const char *key, size_t len, uint64_t h)
{
	if (gr->hash != h || gr->key_len != len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (gr->key[i] != key[i])
			return false;
	return true;
}

/* The group of KEY (LEN bytes, hash H, first 8 bytes W as key_word has
 * them), made when it is new; NULL when out of memory.  The table holds
 * all that is compared of a key of up to 8 bytes: neither the groups
 * themselves, far apart in memory, nor KEY are read. */
static struct groups_group *
find_word(struct groups *g, const char *key, size_t len, uint64_t h, uint64_t w)
{
	uint32_t sl = slot_len(len);

	for (size_t s = (size_t)h & (g->nslots - 1);
	     g->nslots > 0 && g->slot[s].group != 0;
	     s = (s + 1) & (g->nslots - 1)) {
		struct groups_group *gr;

		if (g->slot[s].word != w || g->slot[s].len != sl)
			continue;
		gr = g->g[g->slot[s].group - 1];
		if (len <= 8 || (gr->hash == h && gr->key_len == len &&
				 memcmp(gr->key + 8, key + 8, len - 8) == 0))
			return gr;
	}
	return add(g, key, len, h);
}

/* The group of KEY (LEN bytes, hash H), made when it is new; NULL when
 * out of memory. */
static struct groups_group *
find(struct groups *g, const char *key, size_t len, uint64_t h)
{
	return find_word(g, key, len, h,
			 key_word(key, len < 8 ? len : 8, key + len));
}

/* Before rows of group GR: a group's epoch without -e is the file, begun
 * with its first row there. */
static void
group_file(struct groups *g, struct groups_group *gr)
{
	if (!g->config->keyed && gr->file != g->file) {
		gr->file = g->file;
		batcher_file_begin_at(&gr->b, g->file);
	}
}

/* N rows of group GR from ROWS and OUT. */
static int
to_group(struct groups *g, struct groups_group *gr,
	 const struct metric_row *rows, const struct xdd *out, size_t n,
	 const char *key, size_t key_len)
{
	group_file(g, gr);
	return batcher_rows(&gr->b, rows, out, n, key, key_len);
}

/* Room for N rows in the scratch arrays; -1 when out of memory. */
static int
room(struct groups *g, size_t n)
{
	size_t cap = g->scratch_cap;
	void *p;

	if (n <= cap)
		return 0;
	while (cap < n)
		cap = cap ? 2 * cap : 4096;
	if ((p = realloc(g->of, cap * sizeof *g->of)) == NULL)
		return -1;
	g->of = p;
	if ((p = realloc(g->touched, cap * sizeof *g->touched)) == NULL)
		return -1;
	g->touched = p;
	if ((p = realloc(g->srows, cap * sizeof *g->srows)) == NULL)
		return -1;
	g->srows = p;
	if (g->extras > 0) {
		if ((p = realloc(g->sout, cap * g->extras * sizeof *g->sout)) ==
		    NULL)
			return -1;
		g->sout = p;
	}
	g->scratch_cap = cap;
	return 0;
}

int
groups_rows(struct groups *g, const struct metric_row *rows,
	    const struct xdd *out, size_t n, const char *key, size_t key_len,
	    const char *const *field, const size_t *len, size_t ngcol)
{
	struct groups_group *cur = NULL;
	size_t ntouched = 0, at = 0;

	if (room(g, n) != 0)
		goto oom;
	g->stamp++;
	/* Each row's group, and how many rows each group has here. */
	for (size_t i = 0; i < n; i++) {
		const char *k = field[i * ngcol];
		size_t kl = len[i * ngcol];
		uint64_t h;

		if (ngcol > 1) {
			if (composite(g, field + i * ngcol, len + i * ngcol,
				      ngcol, &kl) != 0)
				goto oom;
			k = g->key;
		}
		h = key_hash(k, kl);
		if ((cur == NULL || !is_key(cur, k, kl, h)) &&
		    (cur = find(g, k, kl, h)) == NULL)
			goto oom;
		if (cur->stamp != g->stamp) {
			cur->stamp = g->stamp;
			cur->count = 0;
			g->touched[ntouched++] = cur;
		}
		cur->count++;
		g->of[i] = cur;
	}
	if (ntouched == 1)
		return to_group(g, cur, rows, out, n, key, key_len);
	/* The rows in order within each group, the groups one after the
	 * other: a call of the batcher for each group, not for each row. */
	for (size_t j = 0; j < ntouched; j++) {
		g->touched[j]->at = at;
		at += g->touched[j]->count;
	}
	for (size_t i = 0; i < n; i++) {
		size_t to = g->of[i]->at++;

		if (g->sq_only) {
			/* All that is read of a row of the fused loop's. */
			g->srows[to].sq = rows[i].sq;
			g->srows[to].weight = rows[i].weight;
		} else {
			g->srows[to] = rows[i];
		}
		if (out != NULL)
			memcpy(g->sout + to * g->extras, out + i * g->extras,
			       g->extras * sizeof *out);
	}
	for (size_t j = 0; j < ntouched; j++) {
		struct groups_group *gr = g->touched[j];
		size_t from = gr->at - gr->count;

		if (to_group(g, gr, g->srows + from,
			     out != NULL ? g->sout + from * g->extras : NULL,
			     gr->count, key, key_len) != 0)
			return -1;
	}
	return 0;
oom:
	diag("out of memory");
	return -1;
}

int
groups_epoch(struct groups *g, const char *group, size_t group_len,
	     const char *key, size_t key_len, uint64_t number,
	     const struct metric_sums *sums, const struct metric_mean *rmse,
	     const struct metric_mean *row_loss)
{
	struct groups_group *gr =
		find(g, group, group_len, key_hash(group, group_len));

	if (gr == NULL) {
		diag("out of memory");
		return -1;
	}
	return batcher_epoch(&gr->b, key, key_len, number, sums, rmse,
			     row_loss);
}

/* Group GR's bytes FROM to TO into the cache, for writing. */
static void
fetch(const struct groups_group *gr, size_t from, size_t to)
{
	const char *p = (const char *)gr;

	for (size_t at = from; at < to; at += 64)
		__builtin_prefetch(p + at, 1);
}

/* Rows AT to AT + N - 1 of ROWS into batcher B, as rows where something
 * sees them (a tap's rows): a few at a time. */
static int
take_run(struct batcher *b, const struct metric_sq_rows *rows, size_t at,
	 size_t n, const char *key, size_t key_len)
{
	struct metric_row r[64];

	if (b->sink.rows == NULL)
		return batcher_sq_rows(b, rows, at, n, key, key_len);
	memset(r, 0, sizeof r);
	while (n > 0) {
		size_t k = n < 64 ? n : 64;

		for (size_t i = 0; i < k; i++, at++) {
			r[i].sq = (struct xdd){
				rows->sq[at],
				rows->sq_exp != NULL ? rows->sq_exp[at] : 0};
			r[i].weight =
				rows->weight == NULL
					? METRIC_UNIT_WEIGHT
					: (struct xdd){
						  rows->weight[at],
						  rows->weight_exp != NULL
							  ? rows->weight_exp[at]
							  : 0};
		}
		if (batcher_rows(b, r, NULL, k, key, key_len) != 0)
			return -1;
		n -= k;
	}
	return 0;
}

/* The groups of NGROUPS keys, each of NGCOL fields FIELD[J * NGCOL + I]
 * of LEN[J * NGCOL + I] bytes, into G->touched, new ones made in order;
 * -1 when out of memory.  With one field, HASH[J] and WORD[J] are its
 * key_hash and first 8 bytes, the rest zero: the key's text, far apart
 * in memory, is then read only for a new group or a key of more than 8
 * bytes. */
static int
find_all(struct groups *g, size_t ngroups, const char *const *field,
	 const size_t *len, size_t ngcol, const uint64_t *hash,
	 const uint64_t *word)
{
	if (room(g, ngroups) != 0)
		return -1;
	for (size_t j = 0; j < ngroups; j++) {
		const char *k = field[j * ngcol];
		size_t kl = len[j * ngcol];

		if (ngcol == 1) {
			g->touched[j] = find_word(g, k, kl, hash[j], word[j]);
		} else {
			if (composite(g, field + j * ngcol, len + j * ngcol,
				      ngcol, &kl) != 0)
				return -1;
			g->touched[j] =
				find(g, g->key, kl, key_hash(g->key, kl));
		}
		if (g->touched[j] == NULL)
			return -1;
	}
	return 0;
}

int
groups_runs(struct groups *g, const struct metric_sq_rows *rows,
	    const size_t *count, size_t ngroups, const char *key,
	    size_t key_len, const char *const *field, const size_t *len,
	    size_t ngcol, const uint64_t *hash, const uint64_t *word)
{
	struct groups_group **gr;
	size_t at = 0;

	/* The groups first; then their rows, each group's batcher fetched
	 * into the cache a few groups ahead: the groups of a block are many,
	 * and far apart in memory. */
	if (find_all(g, ngroups, field, len, ngcol, hash, word) != 0) {
		diag("out of memory");
		return -1;
	}
	gr = g->touched;
	for (size_t j = 0; j < ngroups; j++) {
		if (j + 2 * GROUPS_AHEAD < ngroups)
			fetch(gr[j + 2 * GROUPS_AHEAD], 0,
			      offsetof(struct groups_group, b.batch_sums.rows) +
				      sizeof gr[j]->b.batch_sums.rows);
		/* A batch that ends: the sums it goes into, too. */
		if (j + GROUPS_AHEAD < ngroups &&
		    gr[j + GROUPS_AHEAD]->b.batch_sums.rows +
				    count[j + GROUPS_AHEAD] >=
			    g->config->batch_size)
			fetch(gr[j + GROUPS_AHEAD],
			      offsetof(struct groups_group, b.batch_lines),
			      offsetof(struct groups_group, b.epochs_done));
		group_file(g, gr[j]);
		if (!(key == NULL && gr[j]->b.sink.rows == NULL &&
		      batcher_sq_run(&gr[j]->b, rows, at, count[j])) &&
		    take_run(&gr[j]->b, rows, at, count[j], key, key_len) != 0)
			return -1;
		at += count[j];
	}
	return 0;
}

/* Every line of L to the output, in order. */
static void
hand_on(struct groups *g, const struct groups_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		g->out.line(g->out.ctx, &l->line[i]);
}

int
groups_finish(struct groups *g)
{
	for (size_t i = 0; i < g->n; i++) {
		batcher_finish(&g->g[i]->b);
		if (g->g[i]->failed)
			g->failed = true;
	}
	if (g->failed) {
		diag("out of memory");
		return -1;
	}
	for (size_t i = 0; i < g->n; i++)
		hand_on(g, &g->g[i]->lines);
	hand_on(g, &g->all);
	return 0;
}

size_t
groups_key_width(const struct groups *g)
{
	size_t w = 0;

	for (size_t i = 0; i < g->n; i++) {
		size_t k = diag_text_width(g->g[i]->key, g->g[i]->key_len);

		if (k > w)
			w = k;
	}
	return w;
}
