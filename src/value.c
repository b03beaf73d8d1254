/* value.c: --value, one number on one line, for `x=$(rmsetab --value f)`.
 * It is the total line's: every row of the run, whatever the epochs. */
#include "value.h"

#include <math.h>

/* A group's key as -f tsv writes text: no tab or line end inside it. */
static void
put_key(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '\t': fputs("\\t", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\\': fputs("\\\\", out); break;
		default: putc(s[i], out);
		}
	}
	putc('\t', out);
}

void
value_init(struct value *v, FILE *out, const struct value_config *cfg)
{
	v->out = out;
	v->cfg = cfg;
}

void
value_line(void *ctx, const struct batcher_line *l)
{
	const struct value *v = ctx;
	double x = l->v[v->cfg->measure];

	if (l->kind != BATCHER_TOTAL)
		return;
	if (l->group != NULL)
		put_key(v->out, l->group, l->group_len);
	/* printf's %.17g is what -f csv prints (numfmt.c gives its bytes). */
	if (isnan(x))
		fputs("nan\n", v->out);
	else if (isinf(x))
		fputs(x < 0 ? "-inf\n" : "inf\n", v->out);
	else
		fprintf(v->out, "%.17g\n", x);
}
