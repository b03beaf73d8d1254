/* test_value: what --value prints for each kind of line: nothing for
 * batch and epoch lines, the number of a total line as -f csv prints it,
 * and a group's total (-g) as KEY<TAB>VALUE, the key escaped as -f tsv
 * escapes text. */
#include "value.h"

#include <math.h>
#include <stdlib.h>

#include "check.h"

/* What the sink printed for LINE, as a string. */
static const char *
printed(const struct value_config *cfg, const struct batcher_line *line)
{
	static char buf[256];
	FILE *f = tmpfile();
	struct value v;
	size_t n;

	if (f == NULL)
		return "(no tmpfile)";
	value_init(&v, f, cfg);
	value_line(&v, line);
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

int
main(void)
{
	static const struct value_config r2 = {true, M_R2};
	struct batcher_line l = {.kind = BATCHER_EPOCH};

	l.v[M_R2] = 0.1;
	CHECK_STR(printed(&r2, &l), "");
	l.kind = BATCHER_BATCH;
	CHECK_STR(printed(&r2, &l), "");
	l.kind = BATCHER_TOTAL;
	CHECK_STR(printed(&r2, &l), "0.10000000000000001\n");
	l.v[M_R2] = -INFINITY;
	CHECK_STR(printed(&r2, &l), "-inf\n");
	l.v[M_R2] = NAN;
	CHECK_STR(printed(&r2, &l), "nan\n");
	l.v[M_R2] = -9.0;
	l.group = "a\tb\\";
	l.group_len = 4;
	CHECK_STR(printed(&r2, &l), "a\\tb\\\\\t-9\n");
	return check_finish("test_value");
}
