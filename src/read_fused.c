/* read_fused.c: a block's rows, from its text to the sums of its batches in
 * one loop (the general path splits a record into fields, converts it into
 * a row, and the batcher adds the row on the reader's thread).
 *
 * The scan (read_scan.c) has left a mask of the separators; the loop takes
 * them in order, parses the fields it needs where they lie, checks that
 * each record has its fields and its line end where they should be, works
 * out the row's squared errors (metric_row_sq) and adds them to the sums
 * of its batch (metric_sums_add_sq): the same functions, in the same
 * order, as the general path and the batcher, so the same bits.  Whole
 * batches are closed here, with their values (metric_batch_close); the
 * rows that end the batch begun before the block go back as rows, since
 * only the reader knows that batch's first rows.  Anything else in a
 * record sends that record alone through the general path.
 *
 * With -g, every row goes back once more, with its group's fields, for
 * the groups to sum as their own batches say, while the batches of all
 * the rows are summed here all the same.  That is a build of its own, so
 * that the loop without -g is as it was. */
#include "read_fused.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "key_hash.h"
#include "number.h"
#include "number_fast.h"
#include "read_csv.h"
#include "read_scan.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* The separators of the text, taken in order from its mask. */
struct seps {
	const uint64_t *mask;
	size_t words, len;
	size_t w;      /* the word being read */
	uint64_t bits; /* its separators not yet taken */
};

/* The position of the next separator, or the end of the text. */
static ALWAYS_INLINE size_t
next_sep(struct seps *s)
{
	size_t pos;

	while (s->bits == 0) {
		if (++s->w >= s->words) {
			s->w = s->words;
			return s->len;
		}
		s->bits = s->mask[s->w];
	}
	pos = s->w * 64 + (size_t)__builtin_ctzll(s->bits);
	s->bits &= s->bits - 1;
	return pos;
}

/* The separators from POS on. */
static ALWAYS_INLINE void
seek(struct seps *s, size_t pos)
{
	s->w = pos / 64;
	s->bits = s->w < s->words ? s->mask[s->w] & (~UINT64_C(0) << (pos % 64))
				  : 0;
}

/* Where the rows go: the first HEAD to BLK->rows, then the sums of a batch
 * at a time. */
struct sink {
	struct read_rows_block *blk;
	const struct metric_config *cfg;
	uint64_t head, batch_size;
	bool values;
	struct metric_sums acc;
	bool oom;
	size_t ngcol;  /* -g: every row again for the groups (group_row) */
	size_t nlong;  /* -g: rows whose key is not a word */
	bool weighted; /* -g: with a weight column, its rows' weights too */
};

static bool
grow(void **p, size_t *cap, size_t elem)
{
	size_t cap2 = *cap ? 2 * *cap : 64;
	void *q = realloc(*p, cap2 * elem);

	if (q == NULL)
		return false;
	*p = q;
	*cap = cap2;
	return true;
}

/* Room for CAP elements of ELEM bytes at *P. */
static bool
resize(void **p, size_t cap, size_t elem)
{
	void *q = realloc(*p, cap * elem);

	if (q == NULL)
		return false;
	*p = q;
	return true;
}

/* Called, not inlined, from the loops built for -g and without: a batch
 * or a block's first rows end far less often than a row. */
static __attribute__((noinline)) void
close_batch(struct sink *k)
{
	struct read_rows_block *blk = k->blk;
	struct metric_batch *b;

	if (blk->nbatches == blk->batches_cap &&
	    !grow((void **)&blk->batches, &blk->batches_cap,
		  sizeof *blk->batches)) {
		k->oom = true;
		return;
	}
	b = &blk->batches[blk->nbatches++];
	b->sums = k->acc;
	metric_batch_close(k->cfg, b, k->values);
	k->acc = (struct metric_sums){.rows = 0};
}

static __attribute__((noinline)) void
head_row(struct sink *k, struct xdd sq, struct xdd weight)
{
	struct read_rows_block *blk = k->blk;

	if (blk->nrows == blk->rows_cap &&
	    !grow((void **)&blk->rows, &blk->rows_cap, sizeof *blk->rows)) {
		k->oom = true;
		return;
	}
	blk->rows[blk->nrows++] =
		(struct metric_row){.sq = sq, .weight = weight};
	k->head--;
}

/* With -g, every row of the block is given its group in the block as it
 * is read, and once the block is read the rows are put in order of group
 * (group_sort): the groups then take each group's rows of a block at
 * once, with one look-up.  A key of one field of at most 8 bytes, the
 * usual one, is found by its word: its bytes, the rest zero.  It holds no
 * NUL (a row whose key has one is an error), so its word tells it from
 * any other; such keys are in a table that stays from block to block
 * (WTAB), each slot with the last block that saw it, so that a key seen
 * before costs a look-up and, the first time in a block, a new group
 * there, not an insertion.  Any other key goes in a table of the block's
 * own (GTAB), by a hash of its fields, compared again field by field. */

/* Keys kept in WTAB from block to block, at most: past this many, the
 * table starts again empty with the next block. */
enum { WTAB_KEEP = 8192 };

/* Whether the key field at P, N bytes, holds no NUL; END is the end of
 * the block's text.  Keys are short: a word or a loop, not a call. */
static ALWAYS_INLINE bool
no_nul(const char *p, size_t n, const char *end)
{
	uint64_t w;

	if (n <= 8 && p + 8 <= end) {
		memcpy(&w, p, 8);
		w |= ~key_first_bytes(n); /* the bytes after it are not zero */
		return ((w - 0x0101010101010101u) & ~w & 0x8080808080808080u) ==
		       0;
	}
	for (size_t i = 0; i < n; i++)
		if (p[i] == '\0')
			return false;
	return true;
}

/* The hash of the group fields F (of FL bytes each) of a row, for a key
 * that is not a word. */
static uint64_t
fields_hash(const char *const *f, const size_t *fl, size_t ngcol)
{
	uint64_t h = 0;

	for (size_t j = 0; j < ngcol; j++)
		h = h * 0x9e3779b97f4a7c15u ^ key_hash(f[j], fl[j]);
	return h;
}

/* Whether group G of the block has the group fields F (FL bytes each). */
static bool
same_fields(const struct read_rows_block *blk, size_t g, const char *const *f,
	    const size_t *fl, size_t ngcol)
{
	for (size_t j = 0; j < ngcol; j++) {
		if (blk->gfield_len[g * ngcol + j] != fl[j] ||
		    memcmp(blk->gfield[g * ngcol + j], f[j], fl[j]) != 0)
			return false;
	}
	return true;
}

/* The table of a block's groups of keys that are not words: open
 * addressing, a slot 64 bits, 0 when empty, else the group + 1 in the
 * low half and the high half of the key's hash in the high one: all that
 * a look-up reads but for the group's tag (its hash), once the check is
 * the same. */

/* A table of twice as many slots, at most half full after one more
 * group. */
static bool
grow_table(struct read_rows_block *blk)
{
	size_t n = blk->gtab_n ? 2 * blk->gtab_n : 512;
	uint64_t *t;

	if (2 * (blk->ngroups + 1) <= blk->gtab_n)
		return true;
	if ((t = calloc(n, sizeof *t)) == NULL)
		return false;
	for (size_t i = 0; i < blk->gtab_n; i++) {
		size_t s;

		if (blk->gtab[i] == 0)
			continue;
		for (s = (size_t)blk->gtag[(uint32_t)blk->gtab[i] - 1] &
			 (n - 1);
		     t[s] != 0; s = (s + 1) & (n - 1))
			;
		t[s] = blk->gtab[i];
	}
	free(blk->gtab);
	blk->gtab = t;
	blk->gtab_n = n;
	return true;
}

/* Room for WANT groups in the block, ngcol group fields each. */
static __attribute__((noinline)) bool
groups_reserve(struct read_rows_block *blk, size_t ngcol, size_t want)
{
	size_t cap = blk->groups_cap ? 2 * blk->groups_cap : 64;

	if (want <= blk->groups_cap)
		return true;
	while (cap < want)
		cap *= 2;
	/* The table's groups and the rows' are 32 bits: a block holds far
	 * fewer rows. */
	if (cap > UINT32_MAX - 1 ||
	    !resize((void **)&blk->gcount, cap, sizeof *blk->gcount) ||
	    !resize((void **)&blk->gat, cap, sizeof *blk->gat) ||
	    !resize((void **)&blk->gtag, cap, sizeof *blk->gtag) ||
	    !resize((void **)&blk->ghash, cap, sizeof *blk->ghash) ||
	    !resize((void **)&blk->gword, cap, sizeof *blk->gword) ||
	    !resize((void **)&blk->gfield, cap * ngcol, sizeof *blk->gfield) ||
	    !resize((void **)&blk->gfield_len, cap * ngcol,
		    sizeof *blk->gfield_len))
		return false;
	blk->groups_cap = cap;
	return true;
}

/* Room for one more group in the block. */
static bool
groups_room(struct read_rows_block *blk, size_t ngcol)
{
	return groups_reserve(blk, ngcol, blk->ngroups + 1);
}

/* A new group in the block, of the group fields F (FL bytes each), of
 * TAG (a word, or a hash of the fields); with one field, HASH is its
 * key_hash and WORD its first 8 bytes, the rest zero.  SIZE_MAX when out
 * of memory. */
static size_t
new_group(struct read_rows_block *blk, const char *const *f, const size_t *fl,
	  size_t ngcol, uint64_t tag, uint64_t hash, uint64_t word)
{
	size_t g = blk->ngroups;

	if (!groups_room(blk, ngcol))
		return SIZE_MAX;
	blk->gtag[g] = tag;
	blk->gcount[g] = 0;
	blk->ghash[g] = hash;
	blk->gword[g] = word;
	for (size_t j = 0; j < ngcol; j++) {
		blk->gfield[g * ngcol + j] = f[j];
		blk->gfield_len[g * ngcol + j] = fl[j];
	}
	blk->ngroups = g + 1;
	return g;
}

/* The slot of WTAB where word W's look-up begins: the high bits of a
 * multiple of it (Fibonacci hashing), one multiplication on the way from
 * a row's key to its group. */
static ALWAYS_INLINE size_t
wtab_slot(const struct read_rows_block *blk, uint64_t w)
{
	return (size_t)((w * 0x9e3779b97f4a7c15u) >> blk->wtab_shift);
}

/* An empty WTAB of N slots (a power of 2, at least 2); false when out of
 * memory, WTAB as it was. */
static bool
wtab_alloc(struct read_rows_block *blk, size_t n)
{
	struct read_rows_wslot *t = calloc(n, sizeof *t);
	unsigned shift = 64;

	if (t == NULL)
		return false;
	for (size_t m = n; m > 1; m /= 2)
		shift--;
	free(blk->wtab);
	blk->wtab = t;
	blk->wtab_n = n;
	blk->wtab_shift = shift;
	return true;
}

/* WTAB with twice as many slots, its keys kept. */
static bool
grow_wtab(struct read_rows_block *blk)
{
	struct read_rows_wslot *old = blk->wtab;
	size_t n = blk->wtab_n;

	blk->wtab = NULL;
	if (!wtab_alloc(blk, 2 * n)) {
		blk->wtab = old;
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		size_t s, mask = blk->wtab_n - 1;

		if (old[i].stamp == 0)
			continue;
		for (s = wtab_slot(blk, old[i].word); blk->wtab[s].stamp != 0;
		     s = (s + 1) & mask)
			;
		blk->wtab[s] = old[i];
	}
	free(old);
	return true;
}

/* Before a block's rows: its stamp in WTAB, the table emptied when it
 * holds too many keys (or has none yet); false when out of memory. */
static bool
wtab_begin(struct read_rows_block *blk)
{
	if (blk->wtab_n == 0) {
		if (!wtab_alloc(blk, 1024))
			return false;
	} else if (blk->wtab_used > WTAB_KEEP || blk->wstamp == UINT32_MAX) {
		memset(blk->wtab, 0, blk->wtab_n * sizeof *blk->wtab);
		blk->wtab_used = 0;
		blk->wstamp = 0;
	}
	blk->wstamp++;
	return true;
}

/* The key of word W, new in WTAB: into slot S, found empty, or another
 * when the table must grow first; the slot, or SIZE_MAX when out of
 * memory. */
static __attribute__((noinline)) size_t
word_insert(struct read_rows_block *blk, uint64_t w, size_t s)
{
	if (2 * (blk->wtab_used + 1) > blk->wtab_n) {
		if (!grow_wtab(blk))
			return SIZE_MAX;
		for (s = wtab_slot(blk, w); blk->wtab[s].stamp != 0;
		     s = (s + 1) & (blk->wtab_n - 1))
			;
	}
	blk->wtab[s].word = w;
	blk->wtab_used++;
	return s;
}

/* The key of slot S of WTAB, first seen in this block: a new group
 * there, its field the word's own bytes (set by group_find, once GWORD
 * has all the groups).  SIZE_MAX when out of memory. */
static ALWAYS_INLINE size_t
word_new(struct read_rows_block *blk, size_t s)
{
	struct read_rows_wslot *e = &blk->wtab[s];
	size_t g = blk->ngroups;

	if (__builtin_expect(g == blk->groups_cap, 0) && !groups_room(blk, 1))
		return SIZE_MAX;
	blk->gcount[g] = 0;
	blk->gword[g] = e->word;
	blk->ngroups = g + 1;
	e->stamp = blk->wstamp;
	e->group = (uint32_t)g;
	return g;
}

/* The keys of groups FROM to the block's last, groups of words whose
 * GWORD alone is set: their fields, set by group_find once GWORD has
 * them all, their lengths and hashes.  The hash from the word: a table
 * of them beside WTAB's would be out of the cache by the next block. */
static void
words_keys(struct read_rows_block *blk, size_t from)
{
	for (size_t g = from; g < blk->ngroups; g++) {
		uint64_t w = blk->gword[g];

		blk->ghash[g] = key_hash_word(w);
		blk->gfield[g] = NULL;
		blk->gfield_len[g] = key_word_len(w);
	}
}

/* The group, in the block, of the key of word W, made when it is new;
 * SIZE_MAX when out of memory. */
static ALWAYS_INLINE size_t
word_group(struct read_rows_block *blk, uint64_t w)
{
	size_t mask = blk->wtab_n - 1, s;
	const struct read_rows_wslot *t = blk->wtab;

	for (s = wtab_slot(blk, w); t[s].stamp != 0; s = (s + 1) & mask) {
		if (t[s].word != w)
			continue;
		if (__builtin_expect(t[s].stamp == blk->wstamp, 1))
			return t[s].group;
		return word_new(blk, s);
	}
	if ((s = word_insert(blk, w, s)) == SIZE_MAX)
		return SIZE_MAX;
	return word_new(blk, s);
}

/* The group, in the block, of any other key, of the group fields F (FL
 * bytes each), made when it is new; SIZE_MAX when out of memory. */
static __attribute__((noinline)) size_t
fields_group(struct read_rows_block *blk, const char *const *f,
	     const size_t *fl, size_t ngcol)
{
	uint64_t h = fields_hash(f, fl, ngcol), mask;
	uint32_t check = (uint32_t)(h >> 32);
	size_t g, s;

	if (!blk->gtab_used) {
		if (!grow_table(blk))
			return SIZE_MAX;
		memset(blk->gtab, 0, blk->gtab_n * sizeof *blk->gtab);
		blk->gtab_used = true;
	}
	mask = blk->gtab_n - 1;
	for (s = (size_t)h & mask; blk->gtab[s] != 0; s = (s + 1) & mask)
		if ((uint32_t)(blk->gtab[s] >> 32) == check &&
		    blk->gtag[(uint32_t)blk->gtab[s] - 1] == h &&
		    same_fields(blk, (uint32_t)blk->gtab[s] - 1, f, fl, ngcol))
			return (uint32_t)blk->gtab[s] - 1;
	if (!grow_table(blk))
		return SIZE_MAX;
	/* With one field, what the groups look it up by (groups_runs). */
	g = new_group(blk, f, fl, ngcol, h,
		      ngcol == 1 ? key_hash(f[0], fl[0]) : 0,
		      ngcol == 1 ? key_word(f[0], 8, blk->text + blk->len) : 0);
	if (g == SIZE_MAX)
		return SIZE_MAX;
	mask = blk->gtab_n - 1;
	for (s = (size_t)h & mask; blk->gtab[s] != 0; s = (s + 1) & mask)
		;
	blk->gtab[s] = (uint64_t)check << 32 | (g + 1);
	return g;
}

/* The scratch BLK converts with (lent, or its own), BLK's views of it
 * set. */
static struct read_rows_gscratch *
gscratch_view(struct read_rows_block *blk)
{
	struct read_rows_gscratch *gs =
		blk->glent != NULL ? blk->glent : &blk->gown;

	blk->gof = gs->gof;
	blk->gwd = gs->gwd;
	blk->gsq = gs->gsq;
	blk->gw = gs->gw;
	return gs;
}

/* Room in BLK's scratch for CAP rows as read (their weights too when
 * WEIGHTED), and BLK's views of it; false when out of memory. */
static __attribute__((noinline)) bool
gscratch_room(struct read_rows_block *blk, size_t cap, bool weighted)
{
	struct read_rows_gscratch *gs = gscratch_view(blk);

	if (gs->cap < cap) {
		if (!resize((void **)&gs->gof, cap, sizeof *gs->gof) ||
		    !resize((void **)&gs->gwd, cap, sizeof *gs->gwd) ||
		    !resize((void **)&gs->gsq, cap, sizeof *gs->gsq))
			return false;
		gs->cap = cap;
	}
	if (weighted && gs->wcap < cap) {
		if (!resize((void **)&gs->gw, cap, sizeof *gs->gw))
			return false;
		gs->wcap = cap;
	}
	gscratch_view(blk);
	return true;
}

/* Room for the rows for the groups after ROWS rows, as K has them. */
static __attribute__((noinline)) bool
group_rows_room(struct read_rows_block *blk, size_t rows, const struct sink *k)
{
	size_t cap = rows ? 2 * rows : 1024;

	if (cap > UINT32_MAX - 1 || !gscratch_room(blk, cap, k->weighted) ||
	    !resize((void **)&blk->grows, cap, sizeof *blk->grows) ||
	    (k->weighted &&
	     !resize((void **)&blk->gweight, cap, sizeof *blk->gweight)) ||
	    !read_rows_block_group_room(blk, cap, k->ngcol))
		return false;
	blk->grows_cap = cap;
	return true;
}

/* The mark in GWD of a row whose key is not a word: its first byte is a
 * NUL and its second is not, in either byte order, and no word has a
 * byte after a NUL. */
#define NOT_A_WORD UINT64_C(0x00ff00000000ff00)

/* Row I for the groups has scales (struct xdd's exp) SE and WE, not
 * both 0: extreme values, rarely. */
static __attribute__((noinline)) void
rare_row(struct sink *k, size_t i, int32_t se, int32_t we)
{
	struct read_rows_block *blk = k->blk;

	if (blk->nrare == blk->rare_cap &&
	    !grow((void **)&blk->grare, &blk->rare_cap, sizeof *blk->grare)) {
		k->oom = true;
		return;
	}
	blk->grare[blk->nrare++] = (struct read_rows_rare){i, se, we};
}

/* With -g, the row once more for the groups, with its key (its group
 * fields, in GCUR): a word, or for another key its fields, in GKEY in
 * the order of such rows; its weight only with a weight column: without,
 * it is METRIC_UNIT_WEIGHT (metric_row_sq).  Its squared errors and
 * weight as double-doubles, their scales apart when not 0 (rare_row). */
static ALWAYS_INLINE void
group_row(struct sink *k, struct xdd sq, struct xdd weight)
{
	struct read_rows_block *blk = k->blk;
	size_t i = blk->ngrows;

	if (i == blk->grows_cap && !group_rows_room(blk, i, k)) {
		k->oom = true;
		return;
	}
	if (k->ngcol == 1 && blk->gcur_len[0] <= 8) {
		blk->gwd[i] = key_word(blk->gcur[0], blk->gcur_len[0],
				       blk->text + blk->len);
	} else {
		size_t at = k->nlong++ * k->ngcol;

		blk->gwd[i] = NOT_A_WORD;
		for (size_t j = 0; j < k->ngcol; j++) {
			blk->gkey[at + j] = blk->gcur[j];
			blk->gkey_len[at + j] = blk->gcur_len[j];
		}
	}
	blk->gsq[i] = sq.v;
	if (k->weighted)
		blk->gw[i] = weight.v;
	if (__builtin_expect((sq.exp | weight.exp) != 0, 0))
		rare_row(k, i, sq.exp, weight.exp);
	blk->ngrows = i + 1;
}

/* With -g, once the block is read: each row's group in the block, found
 * in a loop of its own, where the look-ups of rows one after the other
 * overlap; false when out of memory.  A key seen in an earlier block
 * gets its group there without a branch (one that the first row of each
 * group in each block would mispredict): each row's word is written as
 * the next group's and the groups counted on when the slot's stamp is an
 * older block's; the keys of such groups are made after the loop
 * (words_keys). */
static __attribute__((noinline)) bool
group_find(struct read_rows_block *blk, size_t ngcol)
{
	const char *const *f = blk->gkey;
	const size_t *fl = blk->gkey_len;
	const uint64_t *wd = blk->gwd;
	uint32_t *of = blk->gof;
	size_t n = blk->ngrows;

	blk->ngroups = 0;
	blk->gtab_used = false; /* emptied when a row needs it */
	for (size_t i = 0; i < n;) {
		/* What a look-up reads, in registers until a new key or
		 * another key may change it; room for a group for each key
		 * in WTAB, each of which makes at most one. */
		struct read_rows_wslot *t = blk->wtab;
		size_t mask = blk->wtab_n - 1, *count, ng = blk->ngroups;
		size_t from = ng;
		uint64_t *word;
		unsigned shift = blk->wtab_shift;
		uint32_t stamp = blk->wstamp;
		size_t g;

		if (ngcol == 1 &&
		    !groups_reserve(blk, 1, ng + blk->wtab_used + 1))
			return false;
		count = blk->gcount;
		word = blk->gword;
		for (; i < n; i++) {
			uint64_t w = wd[i];
			size_t s, old;

			if (__builtin_expect(w == NOT_A_WORD, 0))
				break;
			s = (size_t)((w * 0x9e3779b97f4a7c15u) >> shift);
			while (t[s].stamp != 0 && t[s].word != w)
				s = (s + 1) & mask;
			if (__builtin_expect(t[s].stamp == 0, 0))
				break;
			old = t[s].stamp == stamp;
			/* old ? t[s].group : ng, which the compiler would
			 * otherwise branch on. */
			g = ng ^ ((t[s].group ^ ng) & (0 - old));
			word[ng] = w;
			count[ng] = 0;
			ng += !old;
			t[s].stamp = stamp;
			t[s].group = (uint32_t)g;
			of[i] = (uint32_t)g;
			count[g]++;
		}
		blk->ngroups = ng;
		words_keys(blk, from);
		if (i == n)
			break;
		if (wd[i] != NOT_A_WORD) {
			g = word_group(blk, wd[i]);
			if (g != SIZE_MAX)
				words_keys(blk, g);
		} else {
			g = fields_group(blk, f, fl, ngcol);
			f += ngcol;
			fl += ngcol;
		}
		if (g == SIZE_MAX)
			return false;
		of[i] = (uint32_t)g;
		blk->gcount[g]++;
		i++;
	}
	/* The key of a word's group: the word's bytes, now that GWORD is
	 * where it stays. */
	for (size_t g = 0; g < blk->ngroups; g++)
		if (blk->gfield[g * ngcol] == NULL)
			blk->gfield[g * ngcol] = (const char *)&blk->gword[g];
	return true;
}

static ALWAYS_INLINE void
take_row(struct sink *k, struct xdd sq, struct xdd weight)
{
	if (__builtin_expect(k->head > 0, 0)) {
		head_row(k, sq, weight);
		return;
	}
	metric_sums_add_sq(&k->acc, sq, weight);
	if (__builtin_expect(k->acc.rows == k->batch_size, 0))
		close_batch(k);
}

/* group_sort's loop for a block with rows of a scale not 0 (GRARE, in
 * the order read): the scales of every row too, in GSEXP and GWEXP. */
static void
sort_rare(struct read_rows_block *blk, bool weighted)
{
	const uint32_t *of = blk->gof;
	const struct read_rows_rare *r = blk->grare, *end = r + blk->nrare;
	size_t *at = blk->gat, n = blk->ngrows;

	for (size_t i = 0; i < n; i++) {
		size_t to = at[of[i]]++;
		int32_t se = 0, we = 0;

		if (r < end && r->row == i) {
			se = r->sq_exp;
			we = r->weight_exp;
			r++;
		}
		blk->grows[to] = blk->gsq[i];
		blk->gsexp[to] = se;
		if (weighted) {
			blk->gweight[to] = blk->gw[i];
			blk->gwexp[to] = we;
		}
	}
}

/* With -g, once the block is read: its rows, kept in the order read,
 * put in GROWS in order of group, each group's in the order read (a
 * counting sort); false when out of memory. */
static __attribute__((noinline)) bool
group_sort(struct read_rows_block *blk, bool weighted)
{
	const uint32_t *of = blk->gof;
	size_t *at = blk->gat, n = blk->ngrows, sum = 0;

	for (size_t g = 0; g < blk->ngroups; g++) {
		at[g] = sum;
		sum += blk->gcount[g];
	}
	if (__builtin_expect(blk->nrare > 0, 0)) {
		if (blk->gexp_cap < n) {
			if (!resize((void **)&blk->gsexp, n,
				    sizeof *blk->gsexp) ||
			    !resize((void **)&blk->gwexp, n,
				    sizeof *blk->gwexp))
				return false;
			blk->gexp_cap = n;
		}
		sort_rare(blk, weighted);
	} else if (weighted) {
		for (size_t i = 0; i < n; i++) {
			size_t to = at[of[i]]++;

			blk->grows[to] = blk->gsq[i];
			blk->gweight[to] = blk->gw[i];
		}
	} else {
		for (size_t i = 0; i < n; i++)
			blk->grows[at[of[i]]++] = blk->gsq[i];
	}
	return true;
}

/* The general path for one record: read_csv_split hands it here. */
struct slow {
	const struct read_rows_plan *plan;
	struct read_rows_block *blk;
	struct metric_row row;
	enum read_rows_result result;
	bool got;
};

static int
one_record(void *ctx, const struct read_csv_record *rec)
{
	struct slow *sl = ctx;

	sl->result = read_rows_convert(sl->plan, rec, sl->blk->t, sl->blk->p,
				       &sl->row, NULL, &sl->blk->error);
	sl->got = true;
	/* A short record's error is in blk->error: its fields are not all
	 * there, and no row is taken. */
	if (sl->result != READ_ROWS_OK)
		return 1;
	for (size_t j = 0; j < sl->plan->ngcol; j++) {
		sl->blk->gcur[j] = rec->field[sl->plan->gcol[j]];
		sl->blk->gcur_len[j] = rec->len[sl->plan->gcol[j]];
	}
	return 1; /* one at a time */
}

/* The record at TEXT[REC] and the blank lines before it, through the
 * general path; returns where the next one starts, or LEN once the block
 * is done (failed, or a quote). */
static size_t
slow_record(struct read_csv *c, struct slow *sl, struct sink *k,
	    const char *text, size_t len, size_t rec)
{
	struct read_rows_block *blk = sl->blk;
	size_t used = 0;

	sl->got = false;
	c->stop = false;
	switch (read_csv_split(c, text + rec, len - rec, true, &used)) {
	case READ_CSV_SPLIT_QUOTE: blk->quote = true; return len;
	case READ_CSV_SPLIT_ERROR:
		blk->failed = true;
		blk->error.line = c->error_line;
		snprintf(blk->error.text, sizeof blk->error.text, "%s",
			 c->error);
		return len;
	default: break;
	}
	if (sl->got) {
		switch (sl->result) {
		case READ_ROWS_OK:
			if (k->ngcol > 0)
				group_row(k, sl->row.sq, sl->row.weight);
			take_row(k, sl->row.sq, sl->row.weight);
			break;
		case READ_ROWS_SKIPPED:
			if (blk->skipped < READ_ROWS_SKIPS_KEPT)
				blk->skip_line[blk->skipped] = blk->error.line;
			blk->skipped++;
			break;
		case READ_ROWS_ERROR: blk->failed = true; return len;
		}
	}
	return rec + used;
}

/* Room for the scratch of PLAN in BLK, and which fields to parse. */
static bool
scratch(const struct read_rows_plan *plan, struct read_rows_block *blk)
{
	size_t nf = plan->nfields, pairs = plan->pairs;

	if (blk->scratch_pairs < pairs) {
		free(blk->t);
		free(blk->p);
		blk->t = malloc(pairs * sizeof *blk->t);
		blk->p = malloc(pairs * sizeof *blk->p);
		blk->scratch_pairs = blk->t && blk->p ? pairs : 0;
		if (blk->scratch_pairs == 0)
			return false;
	}
	if (blk->scratch_fields < nf) {
		free(blk->fv);
		free(blk->need);
		blk->fv = malloc(nf * sizeof *blk->fv);
		blk->need = malloc(nf);
		blk->scratch_fields = blk->fv && blk->need ? nf : 0;
		if (blk->scratch_fields == 0)
			return false;
	}
	/* gslot is a field's, gcur a key field's. */
	if (plan->ngcol > 0 &&
	    blk->scratch_groups < (nf > plan->ngcol ? nf : plan->ngcol)) {
		size_t n = nf > plan->ngcol ? nf : plan->ngcol;

		free(blk->gslot);
		free(blk->gcur);
		free(blk->gcur_len);
		blk->gslot = malloc(n * sizeof *blk->gslot);
		blk->gcur = malloc(n * sizeof *blk->gcur);
		blk->gcur_len = malloc(n * sizeof *blk->gcur_len);
		blk->scratch_groups =
			blk->gslot && blk->gcur && blk->gcur_len ? n : 0;
		if (blk->scratch_groups == 0)
			return false;
	}
	memset(blk->need, 0, nf);
	for (size_t j = 0; j < pairs; j++)
		blk->need[plan->tcol[j]] = blk->need[plan->pcol[j]] = 1;
	if (plan->wcol != READ_ROWS_NONE)
		blk->need[plan->wcol] = 1;
	for (size_t j = 0; j < plan->ngcol; j++) {
		blk->need[plan->gcol[j]] = 2;
		blk->gslot[plan->gcol[j]] = j;
	}
	return true;
}

/* The loop, built twice (below) for two sets of instructions, and each
 * again for -g (GROUPED, a constant there), twice: for a key of one
 * field (ONE_KEY, a constant too), the usual one, whose rows the loop
 * keeps itself, and for any other.  The AVX2 build of one key once more
 * without a weight column (UNWEIGHTED, a constant): with the weight's
 * tests and stores gone, the compiler keeps more of the loop in
 * registers (30 instructions a row fewer, most of them the stack's). */
static ALWAYS_INLINE void
convert(const struct read_rows_plan *plan, struct read_rows_block *blk,
	bool grouped, bool one_key, bool unweighted)
{
	const char *text = blk->text;
	size_t len = blk->len, nf = plan->nfields, pairs = plan->pairs;
	size_t wcol = unweighted ? READ_ROWS_NONE : plan->wcol;
	unsigned char delim = plan->delim;
	struct seps s = {blk->mask, read_scan_words(len), len, 0, 0};
	struct sink k = {.blk = blk,
			 .cfg = plan->row,
			 .batch_size = plan->cfg->batch_size,
			 .values = plan->cfg->batch_values};
	struct slow sl = {.plan = plan, .blk = blk};
	struct read_csv c;
	const unsigned char *need;
	double *fv, *tv, *pv;
	size_t pos = 0;
	bool nul = false; /* the text holds a NUL */
	/* With -g, the rows for the groups as group_row keeps them, here in
	 * registers (BLK's own fields would be read again after each store)
	 * while the key is one field: its text KP, KN bytes. */
	uint64_t *gwd = NULL;
	struct dd *gsq = NULL, *gw = NULL;
	size_t gi = 0, gcap = 0, kn = 0;
	const char *kp = NULL;

	blk->nrows = blk->nbatches = 0;
	blk->skipped = 0;
	blk->failed = false;
	if (!scratch(plan, blk)) {
		blk->failed = true;
		blk->error.line = 1;
		strcpy(blk->error.text, "out of memory");
		return;
	}
	need = blk->need;
	fv = blk->fv;
	tv = blk->t;
	pv = blk->p;
	k.head = (k.batch_size - blk->first_row % k.batch_size) % k.batch_size;
	blk->ngrows = blk->ngroups = 0;
	blk->nrare = 0;
	if (grouped) {
		if (plan->ngcol == 1 && !wtab_begin(blk))
			k.oom = true;
		k.ngcol = plan->ngcol;
		k.weighted = wcol != READ_ROWS_NONE;
		/* Rare: each key is looked at only in a block with one. */
		nul = memchr(text, '\0', len) != NULL;
	}
	read_csv_init(&c, "", delim, 1, one_record, &sl);
	seek(&s, 0);
	while (pos < len && !blk->failed && !blk->quote && !k.oom) {
		size_t rec = pos, start = pos, end = pos;
		double w = 1.0;
		struct xdd sq, weight;
		unsigned char ch = (unsigned char)text[pos];

		if (ch == '\n' || ch == '\r')
			goto slow;
		for (size_t i = 0; i < nf; i++) {
			end = next_sep(&s);
			if (need[i] == 1) {
				if (!number_fast(text + start, end - start,
						 &fv[i]) &&
				    number_parse(text + start, end - start,
						 &fv[i]) != NUMBER_OK)
					goto slow;
			} else if (grouped && need[i] == 2) {
				/* As the general path: a key holds no NUL. */
				if (nul && !no_nul(text + start, end - start,
						   text + len))
					goto slow;
				if (one_key) {
					kp = text + start;
					kn = end - start;
				} else {
					blk->gcur[blk->gslot[i]] = text + start;
					blk->gcur_len[blk->gslot[i]] =
						end - start;
				}
			}
			if (i + 1 < nf) {
				if (end == len || text[end] != (char)delim)
					goto slow;
			} else if (end < len && text[end] == (char)delim) {
				goto slow;
			}
			start = end + 1;
		}
		if (end - rec > READ_CSV_RECORD_MAX)
			goto slow;
		if (wcol != READ_ROWS_NONE && !((w = fv[wcol]) >= 0.0))
			goto slow;
		/* A CRLF is one line end. */
		if (end + 1 < len && text[end] == '\r' &&
		    text[end + 1] == '\n') {
			next_sep(&s);
			start++;
		}
		if (pairs == 1) {
			metric_row_sq(1, &fv[plan->tcol[0]], &fv[plan->pcol[0]],
				      w, &sq, &weight);
		} else {
			for (size_t j = 0; j < pairs; j++) {
				tv[j] = fv[plan->tcol[j]];
				pv[j] = fv[plan->pcol[j]];
			}
			metric_row_sq(pairs, tv, pv, w, &sq, &weight);
		}
		if (one_key && kn <= 8 && gi < gcap) {
			/* group_row's usual case. */
			gwd[gi] = key_word(kp, kn, text + len);
			gsq[gi] = sq.v;
			if (k.weighted)
				gw[gi] = weight.v;
			if (__builtin_expect((sq.exp | weight.exp) != 0, 0))
				rare_row(&k, gi, sq.exp, weight.exp);
			gi++;
		} else if (grouped) {
			if (one_key) {
				blk->gcur[0] = kp;
				blk->gcur_len[0] = kn;
			}
			blk->ngrows = gi;
			group_row(&k, sq, weight);
			gi = blk->ngrows;
			gcap = blk->grows_cap;
			gwd = blk->gwd;
			gsq = blk->gsq;
			gw = blk->gw;
		}
		take_row(&k, sq, weight);
		c.line += end < len; /* the last line may have no end */
		c.last_cr = false;
		pos = start < len ? start : len;
		continue;
	slow:
		blk->ngrows = gi;
		pos = slow_record(&c, &sl, &k, text, len, rec);
		gi = blk->ngrows;
		gcap = blk->grows_cap;
		gwd = blk->gwd;
		gsq = blk->gsq;
		gw = blk->gw;
		seek(&s, pos);
	}
	if (grouped)
		blk->ngrows = gi;
	if (grouped && !k.oom) {
		if (!group_find(blk, plan->ngcol) ||
		    !group_sort(blk, k.weighted))
			k.oom = true;
	}
	if (k.oom) {
		blk->failed = true;
		blk->error.line = c.line;
		strcpy(blk->error.text, "out of memory");
	}
	blk->tail = k.acc;
	blk->lines = c.line - 1;
	read_csv_free(&c);
}

/* With -g, BUILD converts BLK with the scratch that it is lent (or its
 * own): made room in again, with the rows' room, when it has less room
 * than the block has had.  Here rather than in the loop's function, whose
 * registers it would disturb. */
static __attribute__((noinline)) void
convert_grouped(const struct read_rows_plan *plan, struct read_rows_block *blk,
		void (*build)(const struct read_rows_plan *,
			      struct read_rows_block *))
{
	const struct read_rows_gscratch *gs = gscratch_view(blk);

	if (gs->cap < blk->grows_cap ||
	    (plan->wcol != READ_ROWS_NONE && gs->wcap < blk->grows_cap))
		blk->grows_cap = 0;
	build(plan, blk);
	blk->gsq = blk->gw = NULL;
	blk->gof = NULL;
	blk->gwd = NULL;
}

/* Each build of the loop a function of its own: one with both would be
 * too large for the compiler to inline what the loop calls. */
static __attribute__((noinline)) void
convert_portable_grouped(const struct read_rows_plan *plan,
			 struct read_rows_block *blk)
{
	convert(plan, blk, true, false, false);
}

static __attribute__((noinline)) void
convert_portable_one_key(const struct read_rows_plan *plan,
			 struct read_rows_block *blk)
{
	convert(plan, blk, true, true, false);
}

void
read_fused_convert_portable(const struct read_rows_plan *plan,
			    struct read_rows_block *blk)
{
	if (plan->ngcol == 1)
		convert_grouped(plan, blk, convert_portable_one_key);
	else if (plan->ngcol > 0)
		convert_grouped(plan, blk, convert_portable_grouped);
	else
		convert(plan, blk, false, false, false);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* With FMA, TwoProduct's fused multiply-add (dd.h) is one instruction;
 * without, a call to the C library's fma. */
static __attribute__((noinline, target("avx2,fma,bmi,bmi2,popcnt"))) void
convert_avx2_grouped(const struct read_rows_plan *plan,
		     struct read_rows_block *blk)
{
	convert(plan, blk, true, false, false);
}

static __attribute__((noinline, target("avx2,fma,bmi,bmi2,popcnt"))) void
convert_avx2_one_key(const struct read_rows_plan *plan,
		     struct read_rows_block *blk)
{
	convert(plan, blk, true, true, false);
}

static __attribute__((noinline, target("avx2,fma,bmi,bmi2,popcnt"))) void
convert_avx2_one_key_unweighted(const struct read_rows_plan *plan,
				struct read_rows_block *blk)
{
	convert(plan, blk, true, true, true);
}

__attribute__((target("avx2,fma,bmi,bmi2,popcnt"))) void
read_fused_convert_avx2(const struct read_rows_plan *plan,
			struct read_rows_block *blk)
{
	if (plan->ngcol == 1)
		convert_grouped(plan, blk,
				plan->wcol == READ_ROWS_NONE
					? convert_avx2_one_key_unweighted
					: convert_avx2_one_key);
	else if (plan->ngcol > 0)
		convert_grouped(plan, blk, convert_avx2_grouped);
	else
		convert(plan, blk, false, false, false);
}
#else
void
read_fused_convert_avx2(const struct read_rows_plan *plan,
			struct read_rows_block *blk)
{
	read_fused_convert_portable(plan, blk);
}
#endif

void
read_fused_convert(const struct read_rows_plan *plan,
		   struct read_rows_block *blk)
{
	if (read_scan_has_avx2())
		read_fused_convert_avx2(plan, blk);
	else
		read_fused_convert_portable(plan, blk);
}
