/* state_merge.c: states in, the epochs of one pass over all their rows out.
 *
 * Without an epoch column, epochs join by number: epoch N of each state
 * is the N-th file's rows, cut into pieces.  They come out in the order
 * their numbers first appear, and a number twice in one state is damage.
 *
 * With -e, the states are pieces of one input, one after the other, and
 * an epoch is a run of equal values: only the last epoch of one state and
 * the first of the next can be one run cut in two, and they join when
 * their values are the same.  Every other epoch stays as it is, in order,
 * as one pass printed it: a value that comes back after another (an
 * unsorted column), or after a file boundary inside a state, is an epoch
 * of its own.
 *
 * The rows of a joined epoch are those of each state in the order the
 * states were given: for the means of batch values that order is the
 * order of the rows (state_segment.c). */
#include "state_merge.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "state_read.h"
#include "state_write.h"

static int
oom(void)
{
	diag("out of memory");
	return -1;
}

static uint64_t
key_hash(const char *key, size_t len, uint64_t number)
{
	uint64_t h = 0xcbf29ce484222325u ^ number;

	for (size_t i = 0; key != NULL && i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3u;
	}
	return h ^ (h >> 29);
}

static bool
same_key(const struct state_merge_entry *e, const struct state_epoch *ep)
{
	if (ep->key == NULL)
		return e->key == NULL && e->number == ep->number;
	return e->key != NULL && e->key_len == ep->key_len &&
	       memcmp(e->key, ep->key, ep->key_len) == 0;
}

static int
grow(struct state_merge *m)
{
	size_t nslots = m->nslots ? m->nslots * 2 : 64;
	size_t *slot = calloc(nslots, sizeof *slot);

	if (slot == NULL)
		return -1;
	for (size_t i = 0; i < m->n; i++) {
		size_t s =
			key_hash(m->v[i].key, m->v[i].key_len, m->v[i].number) &
			(nslots - 1);

		while (slot[s] != 0)
			s = (s + 1) & (nslots - 1);
		slot[s] = i + 1;
	}
	free(m->slot);
	m->slot = slot;
	m->nslots = nslots;
	return 0;
}

/* The entry of EP's key; *SLOT is where a new one would go. */
static struct state_merge_entry *
find(const struct state_merge *m, const struct state_epoch *ep, size_t *slot)
{
	size_t s = key_hash(ep->key, ep->key_len, ep->number) & (m->nslots - 1);

	for (; m->slot[s] != 0; s = (s + 1) & (m->nslots - 1))
		if (same_key(&m->v[m->slot[s] - 1], ep))
			break;
	*slot = s;
	return m->slot[s] != 0 ? &m->v[m->slot[s] - 1] : NULL;
}

/* Appends a new entry for EP, taking over its key and rows; SLOT is its
 * place in the table of numbers (unused with keys). */
static int
push(struct state_merge *m, struct state_epoch *ep, size_t slot)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct state_merge_entry *v = realloc(m->v, cap * sizeof *v);

		if (v == NULL)
			return -1;
		m->v = v;
		m->cap = cap;
	}
	m->v[m->n] = (struct state_merge_entry){.key = ep->key,
						.key_len = ep->key_len,
						.number = ep->number,
						.state = m->states,
						.line = ep->line,
						.seg = ep->seg};
	m->n++;
	if (ep->key == NULL)
		m->slot[slot] = m->n;
	memset(ep, 0, sizeof *ep);
	return 0;
}

/* Joins the rows of EP after those of entry E. */
static int
join(struct state_merge *m, struct state_merge_entry *e, struct state_epoch *ep)
{
	e->state = m->states;
	e->line = ep->line;
	if (state_segment_append(&m->sc, &e->seg, &ep->seg) != 0)
		return -1;
	state_epoch_free(ep);
	return 0;
}

/* Adds epoch EP of the state being read (R), taking over its key and
 * rows. */
static int
add_epoch(struct state_merge *m, const struct state_reader *r,
	  struct state_epoch *ep)
{
	struct state_merge_entry *e, *last = m->n > 0 ? &m->v[m->n - 1] : NULL;
	size_t slot = 0;

	if (ep->key != NULL) {
		/* The first epoch of a state may go on with the last of the
		 * state before. */
		if (last != NULL && last->state != m->states &&
		    same_key(last, ep))
			return join(m, last, ep) == 0 ? 0 : oom();
		return push(m, ep, 0) == 0 ? 0 : oom();
	}
	if ((m->n + 1) * 2 > m->nslots && grow(m) != 0)
		return oom();
	if ((e = find(m, ep, &slot)) == NULL)
		return push(m, ep, slot) == 0 ? 0 : oom();
	if (e->state == m->states) {
		diag_at(r->name, ep->line,
			"corrupted state: epoch %" PRIu64
			" appears twice (first at line %" PRIu64 ")",
			ep->number, e->line);
		return -1;
	}
	return join(m, e, ep) == 0 ? 0 : oom();
}

/* The first state: the others must match it, and it says how the run
 * goes on (FIRST). */
static int
first_state(struct state_merge *m, struct state_reader *r)
{
	m->file = r->name;
	m->line = r->first_line;
	m->sc = r->sc;
	for (int i = 0; i < STATE_HEADER_LINES; i++)
		if ((m->raw[i] = strdup(r->raw[i])) == NULL)
			return oom();
	if (state_header_copy(&m->h, &r->h) != 0 ||
	    metric_sums_init(&m->total, &m->sc.sums) != 0)
		return oom();
	return m->first(m->ctx, m);
}

/* A later state must have been read with the same options. */
static int
same_header(const struct state_merge *m, const struct state_reader *r)
{
	for (int i = 1; i < STATE_HEADER_LINES; i++) {
		char here[DIAG_QUOTE_SIZE], there[DIAG_QUOTE_SIZE];

		if (strcmp(r->raw[i], m->raw[i]) == 0)
			continue;
		diag_at(r->name, r->first_line + (uint64_t)i,
			"this state has '%s', but %s:%" PRIu64
			" has '%s': only states read with the same options "
			"merge",
			diag_quote(here, sizeof here, r->raw[i],
				   strlen(r->raw[i])),
			m->file, m->line + (uint64_t)i,
			diag_quote(there, sizeof there, m->raw[i],
				   strlen(m->raw[i])));
		return -1;
	}
	return 0;
}

int
state_merge_file(struct state_merge *m, int fd, const char *name)
{
	struct state_reader r;
	struct state_epoch ep;
	int st;

	state_reader_init(&r, fd, name);
	while ((st = state_read_header(&r)) == 1) {
		m->states++;
		if (m->states == 1 ? first_state(m, &r) != 0
				   : same_header(m, &r) != 0) {
			st = -1;
			break;
		}
		while ((st = state_read_epoch(&r, &ep)) == 1)
			if ((st = add_epoch(m, &r, &ep)) != 0)
				break;
		if (st != 0) {
			state_epoch_free(&ep);
			st = -1;
			break;
		}
		metric_sums_merge(&m->sc.sums, &m->total, &r.total);
	}
	state_reader_free(&r);
	return st;
}

void
state_merge_init(struct state_merge *m,
		 int (*first)(void *ctx, const struct state_merge *m),
		 void *ctx)
{
	memset(m, 0, sizeof *m);
	m->first = first;
	m->ctx = ctx;
}

int
state_merge_check(const struct state_merge *m, const enum measure *list,
		  size_t n)
{
	/* The states keep what their own -c needs. */
	unsigned kept = measures_needs(m->h.columns, m->h.ncolumns);

	for (size_t i = 0; i < n; i++) {
		if (measures_needs(&list[i], 1) & ~kept) {
			diag_at(m->file, m->line + STATE_LINE_COLUMNS,
				"column %s cannot be computed from these "
				"states: they were saved with -c %s",
				measures_name(list[i]),
				m->raw[STATE_LINE_COLUMNS] +
					strlen("columns "));
			return -1;
		}
	}
	return 0;
}

int
state_merge_save(const struct state_merge *m, FILE *out,
		 const enum measure *list, size_t n)
{
	struct state_writer w;
	struct state_header h = m->h;
	int status = 0;

	memcpy(h.columns, list, n * sizeof *list);
	h.ncolumns = n;
	state_writer_init(&w, out);
	status = state_write_header(&w, &h);
	for (size_t i = 0; status == 0 && i < m->n; i++)
		status = state_write_epoch(&w, m->v[i].key, m->v[i].key_len,
					   m->v[i].number, &m->v[i].seg);
	if (status == 0)
		status = state_write_end(&w, &m->total);
	state_writer_free(&w);
	return status;
}

void
state_merge_get(const struct state_merge *m, size_t i,
		struct state_merge_epoch *e)
{
	const struct state_merge_entry *v = &m->v[i];

	e->key = v->key;
	e->key_len = v->key_len;
	e->number = v->number;
	e->sums = &v->seg.sums;
	state_segment_means(&m->sc, &v->seg, &e->rmse, &e->row_loss);
}

void
state_merge_free(struct state_merge *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].key);
		state_segment_free(&m->v[i].seg);
	}
	free(m->v);
	free(m->slot);
	for (int i = 0; i < STATE_HEADER_LINES; i++)
		free(m->raw[i]);
	state_header_free(&m->h);
	metric_sums_free(&m->total);
}
