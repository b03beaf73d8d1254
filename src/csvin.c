/* csvin.c: the libcsv wrapper.  libcsv knows nothing of lines, so they are
 * counted here from the record terminators it reports (CSV_REPALL_NL makes
 * it report every one, blank lines and the LF of CRLF included) and from
 * the newlines inside quoted fields. */
#include "csvin.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"

enum { BLOCK_SIZE = 1 << 20 };

struct reader {
	const char *name;
	const struct csvin_handler *h;
	uint64_t line; /* physical line of the next byte libcsv hands out */
	int last_cr;   /* the last terminator was CR: an LF now ends CRLF */
	int stop;

	/* The record being assembled: libcsv reuses its field buffer. */
	char *text;
	size_t text_used, text_cap;
	size_t nfields, fields_cap;
	size_t *offset;
	size_t *len;
	uint64_t *line_of;
	const char **field;
};

static int
grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t cap2 = *cap ? *cap : 64;
	void *q;

	while (cap2 < need)
		cap2 *= 2;
	if (cap2 == *cap)
		return 0;
	q = realloc(*p, cap2 * elem);
	if (q == NULL)
		return -1;
	*p = q;
	*cap = cap2;
	return 0;
}

static int
grow_fields(struct reader *r)
{
	size_t need = r->nfields + 1, cap = r->fields_cap;

	if (need <= cap)
		return 0;
	if (grow((void **)&r->offset, &cap, need, sizeof *r->offset) != 0)
		return -1;
	cap = r->fields_cap;
	if (grow((void **)&r->len, &cap, need, sizeof *r->len) != 0)
		return -1;
	cap = r->fields_cap;
	if (grow((void **)&r->line_of, &cap, need, sizeof *r->line_of) != 0)
		return -1;
	cap = r->fields_cap;
	if (grow((void **)&r->field, &cap, need, sizeof *r->field) != 0)
		return -1;
	r->fields_cap = cap;
	return 0;
}

static void
on_field(void *data, size_t len, void *ctx)
{
	struct reader *r = ctx;
	const char *s = data;

	if (r->stop)
		return;
	r->last_cr = 0;
	if (grow_fields(r) != 0 || grow((void **)&r->text, &r->text_cap,
					r->text_used + len + 1, 1) != 0) {
		diag("%s: out of memory", r->name);
		r->stop = 1;
		return;
	}
	if (len > 0)
		memcpy(r->text + r->text_used, s, len);
	r->text[r->text_used + len] = '\0';
	r->offset[r->nfields] = r->text_used;
	r->len[r->nfields] = len;
	r->line_of[r->nfields] = r->line;
	r->nfields++;
	r->text_used += len + 1;
	for (const char *nl = s;
	     len > 0 && (nl = memchr(nl, '\n', len - (size_t)(nl - s))) != NULL;
	     nl++)
		r->line++;
}

static void
on_record(int c, void *ctx)
{
	struct reader *r = ctx;
	struct csvin_record rec;

	if (r->stop)
		return;
	if (c == '\n' && r->last_cr && r->nfields == 0) {
		r->last_cr = 0;
		return;
	}
	r->last_cr = c == '\r';
	if (r->nfields > 0) {
		for (size_t i = 0; i < r->nfields; i++)
			r->field[i] = r->text + r->offset[i];
		rec.nfields = r->nfields;
		rec.field = r->field;
		rec.len = r->len;
		rec.line = r->line_of;
		r->nfields = 0;
		r->text_used = 0;
		if (r->h->record(r->h->ctx, &rec) != 0)
			r->stop = 1;
	}
	if (c != -1)
		r->line++;
}

static int
no_space(unsigned char c)
{
	(void)c;
	return 0; /* libcsv trims blanks by default; a field is what it says */
}

/* Reports libcsv's strict-mode error at the byte it stopped on. */
static void
parse_error(struct reader *r, struct csv_parser *p, unsigned char bad)
{
	char q[DIAG_QUOTE_SIZE];
	const char *partial = (const char *)p->entry_buf;
	size_t plen = p->entry_pos;
	uint64_t line = r->line;

	for (size_t i = 0; i < plen; i++)
		line += partial[i] == '\n';
	if (p->quoted)
		diag_at(r->name, line,
			"column %zu: '%s' after the closing quote of a quoted "
			"field",
			r->nfields + 1,
			diag_quote(q, sizeof q, (char *)&bad, 1));
	else
		diag_at(r->name, line,
			"column %zu: quote inside an unquoted field '%s\"'",
			r->nfields + 1, diag_quote(q, sizeof q, partial, plen));
}

int
csvin_read(int fd, const char *name, unsigned char delim,
	   const struct csvin_handler *h)
{
	static const unsigned char bom[3] = {0xef, 0xbb, 0xbf};
	struct reader r = {.name = name, .h = h, .line = 1};
	struct csv_parser p;
	unsigned char *buf;
	size_t have = 0, bom_checked = 0;
	int status = -1;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
		diag("%s: out of memory", name);
		return -1;
	}
	csv_set_delim(&p, delim);
	csv_set_space_func(&p, no_space);
	buf = malloc(BLOCK_SIZE);
	if (buf == NULL) {
		diag("%s: out of memory", name);
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf + have, BLOCK_SIZE - have);
		unsigned char *data = buf;
		size_t len, done;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			diag("%s: %s", name, strerror(errno));
			goto out;
		}
		have += (size_t)n;
		if (!bom_checked) {
			/* A byte order mark is skipped, even one that arrives
			 * a byte at a time through a pipe. */
			size_t k = have < 3 ? have : 3;

			if (n > 0 && k < 3 && memcmp(buf, bom, k) == 0)
				continue;
			bom_checked = 1;
			if (have >= 3 && memcmp(buf, bom, 3) == 0)
				data += 3;
		}
		if (n == 0 && have == (size_t)(data - buf))
			break;
		len = have - (size_t)(data - buf);
		done = csv_parse(&p, data, len, on_field, on_record, &r);
		have = 0;
		if (r.stop)
			goto out;
		if (done != len) {
			if (csv_error(&p) == CSV_EPARSE)
				parse_error(&r, &p, data[done]);
			else
				diag_at(name, r.line, "%s",
					csv_strerror(csv_error(&p)));
			goto out;
		}
		if (n == 0)
			break;
		if (h->idle != NULL && h->idle(h->ctx) != 0)
			goto out;
	}
	if (csv_fini(&p, on_field, on_record, &r) != 0) {
		diag_at(name, r.line, "column %zu: unterminated quoted field",
			r.nfields + 1);
		goto out;
	}
	status = r.stop ? -1 : 0;
out:
	csv_free(&p);
	free(buf);
	free(r.text);
	free(r.offset);
	free(r.len);
	free(r.line_of);
	free(r.field);
	return status;
}
