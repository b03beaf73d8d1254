/* state_write.c: a saved state written, line by line, as state.c
 * describes it: the header, each epoch's sums and segment as it ends, then
 * the checksum of every line before. */
#include "state_write.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

void
state_writer_init(struct state_writer *w, FILE *out)
{
	memset(w, 0, sizeof *w);
	w->out = out;
}

void
state_writer_free(struct state_writer *w)
{
	free(w->buf);
	w->buf = NULL;
}

/* Room for N more bytes and a NUL in the line being built. */
static bool
room(struct state_writer *w, size_t n)
{
	size_t cap;
	char *more;

	if (w->oom || w->too_long)
		return false;
	if (w->cap - w->len > n)
		return true;
	/* A line is at most STATE_LINE_MAX: beyond, it is an error anyway. */
	if (n > STATE_LINE_MAX + 64 - w->len) {
		w->too_long = true;
		return false;
	}
	cap = w->cap ? w->cap : 256;
	while (cap - w->len <= n)
		cap *= 2;
	if ((more = realloc(w->buf, cap)) == NULL) {
		w->oom = true;
		return false;
	}
	w->buf = more;
	w->cap = cap;
	return true;
}

static void put(struct state_writer *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
put(struct state_writer *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		w->oom = true;
		return;
	}
	if (!room(w, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
	va_end(ap);
	w->len += (size_t)n;
}

static void
put_bytes(struct state_writer *w, const char *s, size_t n)
{
	if (!room(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

/* Ends the line being built: hashed, unless it is the end line, and
 * written. */
static void
put_line(struct state_writer *w, bool hashed)
{
	if (w->len > STATE_LINE_MAX)
		w->too_long = true;
	put_bytes(w, "\n", 1);
	if (w->oom || w->too_long)
		return;
	if (hashed)
		w->hash = state_hash(w->hash, w->buf, w->len);
	fwrite(w->buf, 1, w->len, w->out);
	w->len = 0;
}

static void
put_text(struct state_writer *w, const char *s, size_t n)
{
	put_bytes(w, " \"", 2);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[5];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put_bytes(w, esc, 2);
		} else if (c == '\n') {
			put_bytes(w, "\\n", 2);
		} else if (c == '\r') {
			put_bytes(w, "\\r", 2);
		} else if (c == '\t') {
			put_bytes(w, "\\t", 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof esc, "\\x%02x", c);
			put_bytes(w, esc, 4);
		} else {
			put_bytes(w, (const char *)&c, 1);
		}
	}
	put_bytes(w, "\"", 1);
}

/* A column name: text, or with -n a bare number; NULL is "-". */
static void
put_name(struct state_writer *w, const char *name, bool indices)
{
	if (name == NULL)
		put(w, " -");
	else if (indices)
		put(w, " %s", name);
	else
		put_text(w, name, strlen(name));
}

static void
put_xdd(struct state_writer *w, struct xdd x)
{
	x = state_canonical(x);
	put(w, " %a %a %" PRId32, x.v.hi, x.v.lo, x.exp);
}

static int
writer_status(struct state_writer *w)
{
	if (w->oom) {
		diag("out of memory");
		return -1;
	}
	if (w->too_long) {
		char start[DIAG_QUOTE_SIZE];

		diag("--save-state: a line of the state would be longer than "
		     "1 MiB: '%s'; a column name, an epoch value or a group "
		     "key that long cannot be saved",
		     diag_quote(start, sizeof start, w->buf, w->len));
		return -1;
	}
	return 0;
}

int
state_write_header(struct state_writer *w, const struct state_header *h,
		   const struct state_part *part,
		   const struct state_id *sources, size_t nsources)
{
	w->hash = STATE_HASH_BASIS;
	state_config(h, &w->sc);
	put(w, "%s %d", STATE_MAGIC,
	    h->ngroup_cols > 0 ? STATE_VERSION : STATE_VERSION_UNGROUPED);
	put_line(w, true);
	put(w, "dtype float64");
	put_line(w, true);
	put(w, "batch-size %zu", h->batch_size);
	put_line(w, true);
	put(w, "reset %s", h->reset_never ? "never" : "epoch");
	put_line(w, true);
	put(w, "columns ");
	for (size_t i = 0; i < h->ncolumns; i++)
		put(w, "%s%s", i ? "," : "", measures_name(h->columns[i]));
	put_line(w, true);
	put(w, "pairs %zu", h->pairs);
	put_line(w, true);
	for (size_t j = 0; j < h->pairs; j++) {
		put(w, "pair");
		put_name(w, h->true_names[j], h->indices);
		put_name(w, h->pred_names[j], h->indices);
		put_line(w, true);
	}
	put(w, "weight-column");
	put_name(w, h->weight, h->indices);
	put_line(w, true);
	put(w, "epoch-column");
	put_name(w, h->epoch_col, h->indices);
	put_line(w, true);
	if (h->ngroup_cols > 0) {
		put(w, "group-columns");
		for (size_t i = 0; i < h->ngroup_cols; i++)
			put_name(w, h->group_names[i], h->indices);
		put_line(w, true);
	}
	if (part->of == 0) {
		put(w, "part -");
	} else {
		put(w, "part %" PRIu64 " %" PRIu64 " %" PRIu64, part->first,
		    part->last, part->of);
		if (part->run != NULL)
			put_text(w, part->run, part->run_len);
		else
			put(w, " -");
	}
	put_line(w, true);
	for (size_t i = 0; i < nsources; i++) {
		put(w, "source ");
		for (int k = 0; k < STATE_ID_BYTES; k++)
			put(w, "%02x", sources[i].b[k]);
		put_line(w, true);
	}
	return writer_status(w);
}

/* The sums of bias, max_error and r2, when the state's -c has them. */
static void
put_extra(struct state_writer *w, const struct metric_sums *s)
{
	const struct metric_config *cfg = &w->sc.sums;

	if (cfg->bias) {
		put(w, "bias");
		put_xdd(w, s->x->bias);
		put_line(w, true);
	}
	if (cfg->max_error) {
		put(w, "max-error %a", s->x->max_error);
		put_line(w, true);
	}
	for (size_t j = 0; cfg->spread && j < cfg->pairs; j++) {
		struct metric_spread sp;
		struct xdd weight;

		metric_spread_get(s, j, &sp, &weight);
		put(w, "spread %zu %a", j + 1, sp.k);
		put_xdd(w, sp.m);
		put_xdd(w, sp.m2);
		put_line(w, true);
	}
}

static void
put_sums(struct state_writer *w, uint64_t rows, const struct metric_sums *s)
{
	const struct metric_config *cfg = &w->sc.sums;

	put(w, "rows %" PRIu64, rows);
	put_line(w, true);
	put(w, "sq");
	put_xdd(w, s->sq);
	put_line(w, true);
	put(w, "weight");
	put_xdd(w, s->weight);
	put_line(w, true);
	if (cfg->abs) {
		put(w, "abs");
		put_xdd(w, s->abs);
		put_line(w, true);
	}
	if (cfg->row_loss) {
		put(w, "row-loss");
		put_xdd(w, s->row_loss);
		put_line(w, true);
	}
	for (size_t j = 0; cfg->per_output && j < cfg->pairs; j++) {
		put(w, "output %zu", j + 1);
		put_xdd(w, s->out[j]);
		put_line(w, true);
	}
	put_extra(w, s);
}

int
state_write_epoch(struct state_writer *w, const char *key, size_t key_len,
		  uint64_t number, const struct state_segment *s)
{
	const struct state_segment_config *sc = &w->sc;
	size_t known = state_segment_known_rows(sc, s->rows);

	if (key != NULL) {
		put(w, "epoch");
		put_text(w, key, key_len);
	} else {
		put(w, "epoch %" PRIu64, number);
	}
	put_line(w, true);
	put_sums(w, s->rows, &s->sums);
	for (size_t i = 0; i < known; i++) {
		put(w, "row");
		put_xdd(w, s->known[i].sq);
		put_xdd(w, s->known[i].weight);
		if (sc->batch.row_loss)
			put_xdd(w, s->known[i].row_loss);
		put_line(w, true);
	}
	for (size_t a = 0; state_segment_is_long(sc, s) && a < sc->batch_size;
	     a++) {
		put(w, "batch %zu", a);
		put_xdd(w, s->rmse[a].total);
		if (sc->batch.row_loss)
			put_xdd(w, s->row_loss[a].total);
		put_line(w, true);
	}
	return writer_status(w);
}

int
state_write_group(struct state_writer *w, const char *key, size_t key_len)
{
	put(w, "group");
	put_text(w, key, key_len);
	put_line(w, true);
	return writer_status(w);
}

int
state_write_end(struct state_writer *w)
{
	put(w, "end %016" PRIx64, w->hash);
	put_line(w, false);
	return writer_status(w);
}
