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
 * states are joined: for the means of batch values that order is the
 * order of the rows (state_segment.c).  States saved without --part join
 * in the order given, as they are read.  States of parts (--part K/N) are
 * held until every state is read, and join in the order of their parts,
 * whatever the order given: a runner returns them in any order.  A merged
 * state of parts holds parts FIRST to LAST, none missing; merged again,
 * it is one piece among the parts.
 *
 * States saved with -g hold the epochs of all the rows, then those of each
 * group (state.c).  Each group's epochs join as those of all the rows do,
 * apart from the other groups': by number, or with -e the last epoch the
 * group had in an earlier state with its first in the next state that has
 * it (other groups' rows do not end a group's epoch).  Groups are kept in
 * the order they first come, state after state in the order the states
 * are joined: the order of their first rows in one pass.
 *
 * Every state holds the ids of the states saved from input that it was
 * made of (its sources, state.c): an id given twice, in whatever merged
 * states, means rows that would count twice, and is an error.  So is a
 * count of rows beyond 2^64 - 1 over all the states, which bounds every
 * count the merge and the batcher make of them. */
#include "state_merge.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "key_hash.h"
#include "state_read.h"
#include "state_write.h"

static int
oom(void)
{
	diag("out of memory");
	return -1;
}

/* The hash of an epoch's key, or of its number when it has none (times an
 * odd constant: distinct numbers keep distinct low bits). */
static uint64_t
epoch_hash(const char *key, size_t len, uint64_t number)
{
	return key_hash(key, key != NULL ? len : 0) ^
	       number * 0x9e3779b97f4a7c15u;
}

static bool
same_key(const struct state_merge_entry *e, const struct state_epoch *ep)
{
	if (ep->key == NULL)
		return e->key == NULL && e->number == ep->number;
	return e->key != NULL && e->key_len == ep->key_len &&
	       memcmp(e->key, ep->key, ep->key_len) == 0;
}

static uint64_t
entry_hash(const void *ctx, size_t i)
{
	const struct state_merge_entry *e =
		&((const struct state_merge_book *)ctx)->v[i];

	return epoch_hash(e->key, e->key_len, e->number);
}

static int
grow(struct state_merge_book *b)
{
	return key_slots_grow(&b->slot, &b->nslots, b->n, entry_hash, b);
}

/* The entry of EP's key in B; *SLOT is where a new one would go. */
static struct state_merge_entry *
find(const struct state_merge_book *b, const struct state_epoch *ep,
     size_t *slot)
{
	size_t s =
		epoch_hash(ep->key, ep->key_len, ep->number) & (b->nslots - 1);

	for (; b->slot[s] != 0; s = (s + 1) & (b->nslots - 1))
		if (same_key(&b->v[b->slot[s] - 1], ep))
			break;
	*slot = s;
	return b->slot[s] != 0 ? &b->v[b->slot[s] - 1] : NULL;
}

/* Appends to B a new entry for EP, of FILE and state STATE, the SEQ-th
 * entry made, taking over its key and rows; SLOT is its place in the
 * table of numbers (unused with keys). */
static int
push(struct state_merge_book *b, uint64_t state, uint64_t seq, const char *file,
     struct state_epoch *ep, size_t slot)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct state_merge_entry *v = realloc(b->v, cap * sizeof *v);

		if (v == NULL)
			return -1;
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n] = (struct state_merge_entry){.key = ep->key,
						.key_len = ep->key_len,
						.number = ep->number,
						.state = state,
						.file = file,
						.seq = seq,
						.line = ep->line,
						.seg = ep->seg};
	b->n++;
	if (ep->key == NULL)
		b->slot[slot] = b->n;
	memset(ep, 0, sizeof *ep); /* its group's key is taken already */
	return 0;
}

/* Joins the rows of EP, of FILE, after those of entry E. */
static int
join(struct state_merge *m, struct state_merge_entry *e, const char *file,
     struct state_epoch *ep)
{
	e->state = m->states;
	e->file = file;
	e->line = ep->line;
	if (state_segment_append(&m->sc, &e->seg, &ep->seg) != 0)
		return -1;
	state_epoch_free(ep);
	return 0;
}

static uint64_t
group_at_hash(const void *ctx, size_t i)
{
	const struct state_merge_group *g =
		&((const struct state_merge *)ctx)->groups[i];

	return key_hash(g->key, g->key_len);
}

static int
grow_groups(struct state_merge *m)
{
	return key_slots_grow(&m->group_slot, &m->group_nslots, m->ngroups,
			      group_at_hash, m);
}

/* The group of KEY (LEN bytes), which takes KEY over when it is new; its
 * index + 1, or 0 when out of memory. */
static size_t
group_of(struct state_merge *m, char *key, size_t len)
{
	struct state_merge_group *g;
	size_t s;

	if ((m->ngroups + 1) * 2 > m->group_nslots && grow_groups(m) != 0)
		return 0;
	s = key_hash(key, len) & (m->group_nslots - 1);
	for (; m->group_slot[s] != 0; s = (s + 1) & (m->group_nslots - 1)) {
		g = &m->groups[m->group_slot[s] - 1];
		if (g->key_len == len && memcmp(g->key, key, len) == 0) {
			free(key);
			return m->group_slot[s];
		}
	}
	if (m->ngroups == m->groups_cap) {
		size_t cap = m->groups_cap ? 2 * m->groups_cap : 16;

		g = realloc(m->groups, cap * sizeof *g);
		if (g == NULL)
			return 0;
		m->groups = g;
		m->groups_cap = cap;
	}
	m->groups[m->ngroups] =
		(struct state_merge_group){.key = key, .key_len = len};
	m->group_slot[s] = ++m->ngroups;
	return m->ngroups;
}

/* The book that epoch EP, of FILE, goes to: that of all the rows, or of
 * its group, which its first epoch in a state names.  NULL after an error
 * reported. */
static struct state_merge_book *
book_of(struct state_merge *m, const char *file, struct state_epoch *ep)
{
	struct state_merge_group *g;
	char key[DIAG_QUOTE_SIZE];

	if (ep->group == 0) {
		m->cur = 0;
		return &m->all;
	}
	if (ep->group_key != NULL) {
		size_t len = ep->group_len;

		if ((m->cur = group_of(m, ep->group_key, len)) == 0) {
			oom();
			return NULL;
		}
		ep->group_key = NULL; /* taken over, or freed */
		g = &m->groups[m->cur - 1];
		if (g->state == m->states) {
			diag_at(file, ep->group_line,
				"corrupted state: group '%s' appears twice "
				"(first at line %" PRIu64 ")",
				diag_quote(key, sizeof key, g->key, g->key_len),
				g->line);
			return NULL;
		}
		g->state = m->states;
		g->file = file;
		g->line = ep->group_line;
	}
	return &m->groups[m->cur - 1].book;
}

/* Adds epoch EP of the state being joined, of FILE, taking over its key
 * and rows. */
static int
add_epoch(struct state_merge *m, const char *file, struct state_epoch *ep)
{
	struct state_merge_book *b = book_of(m, file, ep);
	struct state_merge_entry *e, *last;
	size_t slot = 0;
	char key[DIAG_QUOTE_SIZE], of[DIAG_QUOTE_SIZE + 16] = "";

	if (b == NULL)
		return -1;
	last = b->n > 0 ? &b->v[b->n - 1] : NULL;
	if (ep->key != NULL) {
		/* The first epoch of a state (of a group) may go on with the
		 * last of the state before that had one. */
		if (last != NULL && last->state != m->states &&
		    same_key(last, ep))
			return join(m, last, file, ep) == 0 ? 0 : oom();
		return push(b, m->states, m->entries++, file, ep, 0) == 0
			       ? 0
			       : oom();
	}
	if ((b->n + 1) * 2 > b->nslots && grow(b) != 0)
		return oom();
	if ((e = find(b, ep, &slot)) == NULL)
		return push(b, m->states, m->entries++, file, ep, slot) == 0
			       ? 0
			       : oom();
	if (e->state == m->states) {
		if (m->cur > 0)
			snprintf(of, sizeof of, " of group '%s'",
				 diag_quote(key, sizeof key,
					    m->groups[m->cur - 1].key,
					    m->groups[m->cur - 1].key_len));
		diag_at(file, ep->line,
			"corrupted state: epoch %" PRIu64 "%s"
			" appears twice (first at line %" PRIu64 ")",
			ep->number, of, e->line);
		return -1;
	}
	return join(m, e, file, ep) == 0 ? 0 : oom();
}

/* The rows of every state together stay countable (the reader keeps
 * those of a state's groups within those of all its rows). */
static int
count_rows(struct state_merge *m, const struct state_reader *r,
	   const struct state_epoch *ep)
{
	if (ep->group > 0)
		return 0;
	if (m->rows + ep->seg.rows >= m->rows) {
		m->rows += ep->seg.rows;
		return 0;
	}
	diag_at(r->name, ep->line + 1,
		"too many rows: the states given hold more than %" PRIu64
		" together",
		UINT64_MAX);
	return -1;
}

/* What part P is, in a message. */
static void
describe(char *buf, size_t size, const struct state_part *p)
{
	char run[DIAG_QUOTE_SIZE];
	int n;

	if (p->of == 0) {
		snprintf(buf, size, "not a part (saved without --part)");
		return;
	}
	if (p->first == p->last)
		n = snprintf(buf, size, "part %" PRIu64 " of %" PRIu64,
			     p->first, p->of);
	else
		n = snprintf(buf, size,
			     "parts %" PRIu64 "-%" PRIu64 " of %" PRIu64,
			     p->first, p->last, p->of);
	if (p->run != NULL && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " of run '%s'",
			 diag_quote(run, sizeof run, p->run, p->run_len));
}

/* A later state must be of the same run as the first: parts of it, or
 * none. */
static int
same_run(const struct state_merge *m, const struct state_reader *r)
{
	const struct state_part *a = &m->part, *b = &r->part;
	char here[160], there[160];

	if (a->of == b->of && (a->run == NULL) == (b->run == NULL) &&
	    (a->run == NULL || (a->run_len == b->run_len &&
				memcmp(a->run, b->run, a->run_len) == 0)))
		return 0;
	describe(here, sizeof here, b);
	describe(there, sizeof there, a);
	diag_at(r->name, r->part_line,
		"this state is %s, but %s:%" PRIu64
		" is %s: only the parts of one run merge",
		here, m->file, m->part_line, there);
	return -1;
}

/* The first state: the others must match it, and it says how the run
 * goes on (FIRST). */
static int
first_state(struct state_merge *m, struct state_reader *r)
{
	m->file = r->name;
	m->line = r->first_line;
	m->sc = r->sc;
	m->part_line = r->part_line;
	m->part = r->part;
	if (r->run != NULL) {
		if ((m->run = malloc(r->part.run_len)) == NULL)
			return oom();
		memcpy(m->run, r->run, r->part.run_len);
		m->part.run = m->run;
	}
	if ((m->options = malloc(r->options_len)) == NULL)
		return oom();
	memcpy(m->options, r->options, r->options_len);
	m->options_len = r->options_len;
	if (state_header_copy(&m->h, &r->h) != 0)
		return oom();
	return m->first(m->ctx, m);
}

/* Line I (from 0) of the option lines TEXT, and its length. */
static const char *
option_text(const char *text, size_t len, size_t i, size_t *n)
{
	const char *p = text, *end = text + len;

	for (; i > 0 && p < end; i--)
		p = (const char *)memchr(p, '\n', (size_t)(end - p)) + 1;
	*n = (size_t)((const char *)memchr(p, '\n', (size_t)(end - p)) - p);
	return p;
}

/* A later state must have been read with the same options. */
static int
same_options(const struct state_merge *m, const struct state_reader *r)
{
	char here[DIAG_QUOTE_SIZE], there[DIAG_QUOTE_SIZE];
	const char *a = m->options, *b = r->options;
	size_t i = 0, na, nb;

	if (m->options_len == r->options_len &&
	    memcmp(a, b, m->options_len) == 0)
		return 0;
	/* The first line that differs; the lines end in a line feed. */
	for (size_t k = 0; a[k] == b[k]; k++)
		if (a[k] == '\n')
			i++;
	a = option_text(m->options, m->options_len, i, &na);
	b = option_text(r->options, r->options_len, i, &nb);
	diag_at(r->name, r->first_line + 1 + (uint64_t)i,
		"this state has '%s', but %s:%" PRIu64 " has '%s': %s",
		diag_quote(here, sizeof here, b, nb), m->file,
		m->line + 1 + (uint64_t)i,
		diag_quote(there, sizeof there, a, na),
		nb > 13 && memcmp(b, "group-columns", 13) == 0
			? "states saved with -g merge only with states "
			  "saved with the same -g"
			: "only states read with the same options merge");
	return -1;
}

/* The line of the last option line of a state whose first line is FIRST
 * (its group-columns line, in a state with groups). */
static uint64_t
last_option_line(uint64_t first, const char *options, size_t len)
{
	uint64_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += options[i] == '\n';
	return first + n;
}

/* A later state must have groups if the first has, and none if it has
 * none; by the same columns, same_options says. */
static int
same_groups(const struct state_merge *m, const struct state_reader *r)
{
	char cols[DIAG_QUOTE_SIZE];
	const char *text;
	size_t len;

	if ((m->h.ngroup_cols > 0) == (r->h.ngroup_cols > 0))
		return 0;
	if (m->h.ngroup_cols > 0) {
		text = option_text(m->options, m->options_len,
				   (size_t)(last_option_line(0, m->options,
							     m->options_len) -
					    1),
				   &len);
		diag_at(r->name, r->first_line,
			"this state has no groups, but %s:%" PRIu64
			" has '%s': states saved with -g merge only with "
			"states saved with the same -g",
			m->file,
			last_option_line(m->line, m->options, m->options_len),
			diag_quote(cols, sizeof cols, text, len));
		return -1;
	}
	text = option_text(
		r->options, r->options_len,
		(size_t)(last_option_line(0, r->options, r->options_len) - 1),
		&len);
	diag_at(r->name,
		last_option_line(r->first_line, r->options, r->options_len),
		"this state has '%s', but %s:%" PRIu64
		" has no groups: states saved with -g merge only with states "
		"saved with the same -g",
		diag_quote(cols, sizeof cols, text, len), m->file, m->line);
	return -1;
}

static uint64_t
id_hash(const struct state_id *id)
{
	uint64_t h;

	memcpy(&h, id->b, sizeof h); /* random bytes */
	return h;
}

static uint64_t
source_at_hash(const void *ctx, size_t i)
{
	return id_hash(&((const struct state_merge *)ctx)->sources[i].id);
}

static int
grow_sources(struct state_merge *m)
{
	return key_slots_grow(&m->source_slot, &m->source_nslots, m->nsources,
			      source_at_hash, m);
}

/* The ids of the state R, each new. */
static int
add_sources(struct state_merge *m, const struct state_reader *r)
{
	for (size_t i = 0; i < r->nsources; i++) {
		const struct state_id *id = &r->sources[i];
		uint64_t line = r->sources_line + i;
		size_t s;

		if ((m->nsources + 1) * 2 > m->source_nslots &&
		    grow_sources(m) != 0)
			return oom();
		s = id_hash(id) & (m->source_nslots - 1);
		for (; m->source_slot[s] != 0;
		     s = (s + 1) & (m->source_nslots - 1)) {
			const struct state_merge_source *o =
				&m->sources[m->source_slot[s] - 1];
			char hex[2 * STATE_ID_BYTES + 1];

			if (memcmp(o->id.b, id->b, STATE_ID_BYTES) != 0)
				continue;
			for (int k = 0; k < STATE_ID_BYTES; k++)
				snprintf(hex + 2 * k, 3, "%02x", id->b[k]);
			diag_at(r->name, line,
				"state %s is given twice (also at %s:%" PRIu64
				"): its rows would count twice",
				hex, o->file, o->line);
			return -1;
		}
		if (m->nsources == m->sources_cap) {
			size_t cap = m->sources_cap ? 2 * m->sources_cap : 16;
			struct state_merge_source *v =
				realloc(m->sources, cap * sizeof *v);

			if (v == NULL)
				return oom();
			m->sources = v;
			m->sources_cap = cap;
		}
		m->sources[m->nsources] =
			(struct state_merge_source){*id, r->name, line};
		m->source_slot[s] = ++m->nsources;
	}
	return 0;
}

/* A state of parts, R, to be held until the parts are in order. */
static struct state_merge_piece *
new_piece(struct state_merge *m, const struct state_reader *r)
{
	struct state_merge_piece *p;

	if (m->npieces == m->pieces_cap) {
		size_t cap = m->pieces_cap ? 2 * m->pieces_cap : 16;

		p = realloc(m->pieces, cap * sizeof *p);
		if (p == NULL)
			return NULL;
		m->pieces = p;
		m->pieces_cap = cap;
	}
	p = &m->pieces[m->npieces++];
	*p = (struct state_merge_piece){.file = r->name,
					.line = r->part_line,
					.first = r->part.first,
					.last = r->part.last,
					.order = m->npieces,
					.sources = m->nsources - r->nsources,
					.nsources = r->nsources};
	return p;
}

static int
hold_epoch(struct state_merge_piece *p, struct state_epoch *ep)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 4;
		struct state_epoch *v = realloc(p->epochs, cap * sizeof *v);

		if (v == NULL)
			return oom();
		p->epochs = v;
		p->cap = cap;
	}
	p->epochs[p->n++] = *ep;
	memset(ep, 0, sizeof *ep);
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
		struct state_merge_piece *piece = NULL;

		m->given++;
		if (m->given == 1 ? first_state(m, &r) != 0
				  : same_groups(m, &r) != 0 ||
					    same_options(m, &r) != 0 ||
					    same_run(m, &r) != 0) {
			st = -1;
			break;
		}
		if (add_sources(m, &r) != 0) {
			st = -1;
			break;
		}
		if (m->part.of != 0 && (piece = new_piece(m, &r)) == NULL) {
			st = oom();
			break;
		}
		if (piece == NULL)
			m->states++;
		while ((st = state_read_epoch(&r, &ep)) == 1) {
			if (count_rows(m, &r, &ep) != 0)
				st = -1;
			else if (piece != NULL)
				st = hold_epoch(piece, &ep);
			else
				st = add_epoch(m, name, &ep);
			if (st != 0)
				break;
		}
		if (st != 0) {
			state_epoch_free(&ep);
			st = -1;
			break;
		}
	}
	state_reader_free(&r);
	return st;
}

static int
by_part(const void *a, const void *b)
{
	const struct state_merge_piece *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Appends the range A-B (A <= B), the I-th, to the list of missing parts
 * in BUF; after eight, "...". */
static void
add_range(char *buf, size_t size, uint64_t a, uint64_t b, size_t i)
{
	size_t n = strlen(buf);

	if (i > 8)
		return;
	if (i == 8)
		snprintf(buf + n, size - n, ", ...");
	else if (a == b)
		snprintf(buf + n, size - n, "%s%" PRIu64, i ? ", " : "", a);
	else
		snprintf(buf + n, size - n, "%s%" PRIu64 "-%" PRIu64,
			 i ? ", " : "", a, b);
}

/* "1, 3" as "1 and 3", "1, 3, 5" as "1, 3 and 5". */
static void
last_and(char *buf, size_t size)
{
	char *comma = strrchr(buf, ',');
	size_t n = strlen(buf);

	if (comma == NULL || strstr(buf, "...") != NULL || n + 4 >= size)
		return;
	memmove(comma + 4, comma + 1, (size_t)(buf + n - comma));
	memcpy(comma, " and", 4);
}

/* The parts are in order, none twice; with every one there unless
 * m->partial_ok, else with none missing between the first and the last.
 * MISSING gets the list of those missing; its number is returned. */
static size_t
missing_parts(const struct state_merge *m, char *missing, size_t size)
{
	const struct state_merge_piece *p = m->pieces;
	uint64_t reach = p[0].last;
	size_t n = 0;

	missing[0] = '\0';
	if (!m->partial_ok && p[0].first > 1)
		add_range(missing, size, 1, p[0].first - 1, n++);
	for (size_t i = 1; i < m->npieces; i++) {
		if (p[i].first > reach + 1)
			add_range(missing, size, reach + 1, p[i].first - 1,
				  n++);
		if (p[i].last > reach)
			reach = p[i].last;
	}
	if (!m->partial_ok && reach < m->part.of)
		add_range(missing, size, reach + 1, m->part.of, n++);
	return n;
}

/* Two pieces that hold the same part: the first after the sort. */
static int
parts_twice(const struct state_merge *m)
{
	const struct state_merge_piece *p = m->pieces, *reach = &p[0];

	for (size_t i = 1; i < m->npieces; i++) {
		if (p[i].first <= reach->last) {
			const struct state_merge_piece *later =
				p[i].order > reach->order ? &p[i] : reach;
			const struct state_merge_piece *other =
				later == reach ? &p[i] : reach;

			diag_at(later->file, later->line,
				"part %" PRIu64 " of %" PRIu64
				" is given twice (also at %s:%" PRIu64
				"): its rows would count twice",
				p[i].first, m->part.of, other->file,
				other->line);
			return -1;
		}
		if (p[i].last > reach->last)
			reach = &p[i];
	}
	return 0;
}

/* Every state is read: the parts, in order, none twice and none missing,
 * are joined; their ids follow that order too. */
static int
join_parts(struct state_merge *m)
{
	struct state_merge_source *sources;
	char missing[512];
	size_t n, k = 0;

	qsort(m->pieces, m->npieces, sizeof *m->pieces, by_part);
	if (parts_twice(m) != 0)
		return -1;
	n = missing_parts(m, missing, sizeof missing);
	last_and(missing, sizeof missing);
	if (n > 0) {
		diag("%s %s of %" PRIu64 " %s missing: --merge needs every "
		     "part of a run, or with --save-state parts that follow "
		     "one another",
		     n == 1 && strchr(missing, '-') == NULL ? "part" : "parts",
		     missing, m->part.of,
		     n == 1 && strchr(missing, '-') == NULL ? "is" : "are");
		return -1;
	}
	sources = malloc(m->nsources * sizeof *sources);
	if (sources == NULL)
		return oom();
	for (size_t i = 0; i < m->npieces; i++) {
		struct state_merge_piece *p = &m->pieces[i];

		memcpy(sources + k, m->sources + p->sources,
		       p->nsources * sizeof *sources);
		k += p->nsources;
		m->states++;
		for (size_t j = 0; j < p->n; j++)
			if (add_epoch(m, p->file, &p->epochs[j]) != 0) {
				free(sources);
				return -1;
			}
	}
	free(m->sources);
	m->sources = sources;
	m->part.first = m->pieces[0].first;
	m->part.last = m->pieces[m->npieces - 1].last;
	return 0;
}

void
state_merge_init(struct state_merge *m, bool partial_ok,
		 int (*first)(void *ctx, const struct state_merge *m),
		 void *ctx)
{
	memset(m, 0, sizeof *m);
	m->first = first;
	m->ctx = ctx;
	m->partial_ok = partial_ok;
}

static int
by_number(const void *a, const void *b)
{
	const struct state_merge_entry *x = a, *y = b;

	return (x->number > y->number) - (x->number < y->number);
}

/* Makes the table *SLOT of N entries again, for the entries' new places,
 * at the size they need (key_slots_grow from no slots). */
static int
remake_slots(size_t **slot, size_t *nslots, size_t n,
	     uint64_t (*hash)(const void *, size_t), const void *ctx)
{
	size_t was = *nslots;

	*nslots = 0;
	if (key_slots_grow(slot, nslots, n, hash, ctx) != 0) {
		*nslots = was;
		return -1;
	}
	return 0;
}

/* Numbered epochs (the files) in the order of their numbers, as one pass
 * prints them.  A part holds a piece of every file, so all the rows have
 * every number in every part; but a group may have rows of file 2 in one
 * part and of file 1 only in the next, and the order of the parts is
 * not that of its epochs.  The table by number is made again for the
 * epochs' new places.  No number comes twice in a book. */
static int
in_number_order(struct state_merge_book *b)
{
	if (b->n < 2 || b->v[0].key != NULL)
		return 0;
	qsort(b->v, b->n, sizeof *b->v, by_number);
	if (remake_slots(&b->slot, &b->nslots, b->n, entry_hash, b) != 0)
		return oom();
	return 0;
}

/* Groups by their first epoch's number, then by when the entry of that
 * epoch first came (see groups_in_pass_order). */
static int
by_first_epoch(const void *a, const void *b)
{
	const struct state_merge_group *ga = a, *gb = b;
	const struct state_merge_entry *x = &ga->book.v[0], *y = &gb->book.v[0];

	if (x->number != y->number)
		return (x->number > y->number) - (x->number < y->number);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Groups in the order one pass meets them, once their epochs are in the
 * order of their numbers.  One pass reads file 1 whole, then file 2, and
 * a part holds a piece of every file: a group whose first row is in file
 * 2 of part 1 comes after one whose first row is in file 1 of part 2,
 * though part 1's state names it first.  So a group goes by the number of
 * its first epoch (its first file), then by the first state that had that
 * epoch of it, and within that state by its place there, which is the
 * order its entry of that epoch was made in (a group has no earlier epoch
 * in any state, so in that state it first comes in that file).  With -e
 * the states are pieces of one input one after the other, and the order
 * they come in is one pass's already. */
static int
groups_in_pass_order(struct state_merge *m)
{
	if (m->ngroups < 2 || m->all.n == 0 || m->all.v[0].key != NULL)
		return 0;
	qsort(m->groups, m->ngroups, sizeof *m->groups, by_first_epoch);
	if (remake_slots(&m->group_slot, &m->group_nslots, m->ngroups,
			 group_at_hash, m) != 0)
		return oom();
	return 0;
}

int
state_merge_end(struct state_merge *m)
{
	if (m->npieces > 0 && join_parts(m) != 0)
		return -1;
	if (in_number_order(&m->all) != 0)
		return -1;
	for (size_t i = 0; i < m->ngroups; i++)
		if (in_number_order(&m->groups[i].book) != 0)
			return -1;
	return groups_in_pass_order(m);
}

int
state_merge_check(const struct state_merge *m, const enum measure *list,
		  size_t n)
{
	/* The states keep what their own -c needs. */
	unsigned kept = measures_needs(m->h.columns, m->h.ncolumns);
	const char *columns;
	size_t len;

	for (size_t i = 0; i < n; i++) {
		char text[DIAG_QUOTE_SIZE];

		if (!(measures_needs(&list[i], 1) & ~kept))
			continue;
		columns = option_text(m->options, m->options_len,
				      STATE_LINE_COLUMNS - 1, &len);
		diag_at(m->file, m->line + STATE_LINE_COLUMNS,
			"column %s cannot be computed from these "
			"states: they were saved with -c %s",
			measures_name(list[i]),
			diag_quote(text, sizeof text,
				   columns + strlen("columns "),
				   len - strlen("columns ")));
		return -1;
	}
	return 0;
}

static int
save_book(struct state_writer *w, const struct state_merge_book *b)
{
	int status = 0;

	for (size_t i = 0; status == 0 && i < b->n; i++)
		status = state_write_epoch(w, b->v[i].key, b->v[i].key_len,
					   b->v[i].number, &b->v[i].seg);
	return status;
}

int
state_merge_save(const struct state_merge *m, FILE *out,
		 const enum measure *list, size_t n)
{
	struct state_writer w;
	struct state_header h = m->h;
	struct state_id *ids = malloc((m->nsources + 1) * sizeof *ids);
	int status = 0;

	if (ids == NULL)
		return oom();
	for (size_t i = 0; i < m->nsources; i++)
		ids[i] = m->sources[i].id;
	memcpy(h.columns, list, n * sizeof *list);
	h.ncolumns = n;
	state_writer_init(&w, out);
	status = state_write_header(&w, &h, &m->part, ids, m->nsources);
	if (status == 0)
		status = save_book(&w, &m->all);
	for (size_t i = 0; status == 0 && i < m->ngroups; i++) {
		status = state_write_group(&w, m->groups[i].key,
					   m->groups[i].key_len);
		if (status == 0)
			status = save_book(&w, &m->groups[i].book);
	}
	if (status == 0)
		status = state_write_end(&w);
	state_writer_free(&w);
	free(ids);
	return status;
}

void
state_merge_get(const struct state_merge *m, const struct state_merge_book *b,
		size_t i, struct state_merge_epoch *e)
{
	const struct state_merge_entry *v = &b->v[i];

	e->key = v->key;
	e->key_len = v->key_len;
	e->number = v->number;
	e->sums = &v->seg.sums;
	state_segment_means(&m->sc, &v->seg, &e->rmse, &e->row_loss);
}

static void
book_free(struct state_merge_book *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].key);
		state_segment_free(&b->v[i].seg);
	}
	free(b->v);
	free(b->slot);
}

void
state_merge_free(struct state_merge *m)
{
	book_free(&m->all);
	for (size_t i = 0; i < m->ngroups; i++) {
		free(m->groups[i].key);
		book_free(&m->groups[i].book);
	}
	free(m->groups);
	free(m->group_slot);
	for (size_t i = 0; i < m->npieces; i++) {
		for (size_t j = 0; j < m->pieces[i].n; j++)
			state_epoch_free(&m->pieces[i].epochs[j]);
		free(m->pieces[i].epochs);
	}
	free(m->pieces);
	free(m->options);
	free(m->run);
	free(m->sources);
	free(m->source_slot);
	state_header_free(&m->h);
}
