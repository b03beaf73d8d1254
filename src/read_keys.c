/* read_keys.c: the values of the epoch column whose runs ended, in one
 * file, to notice one that comes back.  The work is done where an epoch
 * starts, never for a row inside one, and no allocation is made for a
 * value once the table and the text have room; after the warning there is
 * no work at all. */
#include "read_keys.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "key_hash.h"

void
read_keys_init(struct read_keys *k, bool on)
{
	memset(k, 0, sizeof *k);
	k->on = on;
}

void
read_keys_free(struct read_keys *k)
{
	free(k->text);
	free(k->slot);
	k->text = NULL;
	k->slot = NULL;
	k->text_len = k->text_cap = k->nslots = k->n = 0;
	k->has_cur = false;
}

static void
clear_slots(struct read_keys_slot *slot, size_t n)
{
	for (size_t i = 0; i < n; i++)
		slot[i].len = SIZE_MAX;
}

void
read_keys_file_begin(struct read_keys *k, const char *column)
{
	if (!k->on)
		return;
	clear_slots(k->slot, k->nslots);
	k->n = k->text_len = 0;
	k->has_cur = false;
	snprintf(k->column, sizeof k->column, "%s", column);
}

/* The slot of KEY, whose hash is H, or the empty one where it would
 * go. */
static struct read_keys_slot *
find(const struct read_keys *k, const char *key, size_t len, size_t h)
{
	size_t mask = k->nslots - 1, i = h & mask;

	for (;; i = (i + 1) & mask) {
		struct read_keys_slot *s = &k->slot[i];

		if (s->len == SIZE_MAX ||
		    (s->hash == h && s->len == len &&
		     memcmp(k->text + s->off, key, len) == 0))
			return s;
	}
}

static int
grow(struct read_keys *k)
{
	struct read_keys_slot *old = k->slot;
	size_t n = k->nslots;

	k->nslots = n ? 2 * n : 64;
	if ((k->slot = malloc(k->nslots * sizeof *k->slot)) == NULL) {
		k->slot = old;
		k->nslots = n;
		return -1;
	}
	clear_slots(k->slot, k->nslots);
	for (size_t i = 0; i < n; i++)
		if (old[i].len != SIZE_MAX)
			*find(k, k->text + old[i].off, old[i].len,
			      old[i].hash) = old[i];
	free(old);
	return 0;
}

/* Records that the run of the current value ended on LINE: its slot, or
 * NULL when out of memory. */
static const struct read_keys_slot *
end_run(struct read_keys *k, uint64_t line)
{
	struct read_keys_slot *s;

	if ((k->n + 1) * 2 > k->nslots && grow(k) != 0)
		return NULL;
	s = find(k, k->text + k->cur_off, k->cur_len, k->cur_hash);
	if (s->len == SIZE_MAX) {
		s->off = k->cur_off;
		s->len = k->cur_len;
		s->hash = k->cur_hash;
		k->n++;
	} else {
		k->text_len = k->cur_off; /* a copy it does not need */
	}
	s->end_line = line;
	k->has_cur = false;
	return s;
}

static int
set_current(struct read_keys *k, const char *key, size_t len, size_t h)
{
	if (k->text == NULL || len > k->text_cap - k->text_len) {
		size_t cap = 2 * k->text_cap + len + 64;
		char *t = realloc(k->text, cap);

		if (t == NULL)
			return -1;
		k->text = t;
		k->text_cap = cap;
	}
	memcpy(k->text + k->text_len, key, len);
	k->cur_off = k->text_len;
	k->cur_len = len;
	k->cur_hash = h;
	k->text_len += len;
	k->has_cur = true;
	return 0;
}

int
read_keys_begin(struct read_keys *k, const char *file, const char *key,
		size_t len, uint64_t line, uint64_t prev_line)
{
	const struct read_keys_slot *ended = NULL, *s;
	size_t h;

	if (!k->on)
		return 0;
	if (k->has_cur && (ended = end_run(k, prev_line)) == NULL)
		goto oom;
	h = key_hash(key, len);
	s = ended != NULL ? find(k, key, len, h) : NULL;
	if (s != NULL && s->len != SIZE_MAX && s != ended) {
		char now[DIAG_QUOTE_SIZE], before[DIAG_QUOTE_SIZE];

		diag_at(file, line,
			"warning: epoch '%s' comes back after '%s' (its last "
			"run ended on line %" PRIu64
			"): -e starts an epoch wherever column %s changes; "
			"sort the rows by it for one epoch per value, or "
			"for the lines of each value in any order, type "
			"-g %s in place of -e",
			diag_quote(now, sizeof now, key, len),
			diag_quote(before, sizeof before, k->text + ended->off,
				   ended->len),
			s->end_line, k->column, k->column);
		read_keys_free(k);
		k->on = false;
		return 0;
	}
	if (set_current(k, key, len, h) != 0)
		goto oom;
	return 0;
oom:
	diag("out of memory");
	return -1;
}
