/* test_select: column lists by name, index and range resolved against a
 * header, and the default true/pred columns.  Messages that design.md
 * fixes word for word are compared exactly (main.c prefixes them with
 * "rmsetab: FILE:1: -t: "); the others must at least quote the item.
 * The default columns: every layout of the synonyms, and every way the
 * names can fail to say. */
#include "select.h"
#include "select_default.h"

#include <stdlib.h>

#include "check.h"

#define MAXCOLS 16
#define END	((size_t)-1)

struct resolve_case {
	int line;
	const char *spec;
	const char *const *names; /* NULL: no header */
	size_t n;
	size_t want[MAXCOLS]; /* 0-based, up to END; ignored on error */
	const char *err;      /* NULL: must succeed; else the exact message */
	const char *err_has;  /* else: the message contains this */
};

static const char *const seed[] = {"true_0", "true_1", "true_2", "pred_0",
				   "pred_1", "pred_2", "w"};
static const char *const dashed[] = {"a-b", "c"};
static const char *const dashed3[] = {"a", "b", "a-b"};
static const char *const twoways[] = {"a", "a-b", "b-c", "c"};
static const char *const dup[] = {"a", "b", "a"};
static const char *const dup4[] = {"a", "b", "a", "c"};
static const char *const numeric[] = {"2", "1", "x"};
static const char *const selfnamed[] = {"1", "2", "3"};
static const char *const pandas[] = {"0", "1", "2", "3", "4", "5"};
static const char *const odd[] = {"a,b", "q\"", ""};
static const char *const rangename[] = {"a", "b", "1-2"};
static const char *const quote1[] = {"it's", "1"};

#define H(names)    names, sizeof names / sizeof names[0]
#define NOHEADER(n) NULL, n

/* The header list that follows an unknown name. */
#define SEED_LIST                                                              \
	"; the header has: true_0, true_1, true_2, pred_0, pred_1, pred_2, w"

static const struct resolve_case cases[] = {
	/* Single names and 1-based positions. */
	{__LINE__, "true_0", H(seed), {0, END}, NULL, NULL},
	{__LINE__, "w", H(seed), {6, END}, NULL, NULL},
	{__LINE__, "1", H(seed), {0, END}, NULL, NULL},
	{__LINE__, "7", H(seed), {6, END}, NULL, NULL},
	{__LINE__, "007", H(seed), {6, END}, NULL, NULL},
	/* Comma lists keep the order given, as pairs are made in order. */
	{__LINE__, "1,3", H(seed), {0, 2, END}, NULL, NULL},
	{__LINE__, "pred_2,true_0", H(seed), {5, 0, END}, NULL, NULL},
	{__LINE__, "w,2,true_0", H(seed), {6, 1, 0, END}, NULL, NULL},
	/* Ranges by index, by name, and mixed. */
	{__LINE__, "1-3", H(seed), {0, 1, 2, END}, NULL, NULL},
	{__LINE__, "2-2", H(seed), {1, END}, NULL, NULL},
	{__LINE__, "true_0-true_2", H(seed), {0, 1, 2, END}, NULL, NULL},
	{__LINE__, "pred_0-w", H(seed), {3, 4, 5, 6, END}, NULL, NULL},
	{__LINE__, "true_1-5", H(seed), {1, 2, 3, 4, END}, NULL, NULL},
	{__LINE__, "4-6,1-3", H(seed), {3, 4, 5, 0, 1, 2, END}, NULL, NULL},
	{__LINE__, "true_0-true_2,w", H(seed), {0, 1, 2, 6, END}, NULL, NULL},
	/* A name holding '-' is that name, not a range. */
	{__LINE__, "a-b", H(dashed), {0, END}, NULL, NULL},
	{__LINE__, "a-b", H(dashed3), {2, END}, NULL, NULL},
	{__LINE__, "a-b-c", H(dashed), {0, 1, END}, NULL, NULL},
	{__LINE__, "1-2", H(dashed), {0, 1, END}, NULL, NULL},
	/* "a-b-c" is a to b-c and a-b to c: no guessing. */
	{__LINE__, "a-b-c", H(twoways), {END}, NULL, "'a-b-c'"},
	/* Backwards ranges. */
	{__LINE__, "3-1", H(seed), {END}, NULL, "'3-1'"},
	{__LINE__, "true_2-true_0", H(seed), {END}, NULL, "'true_2-true_0'"},
	/* Unknown names list the header (design.md's exact text). */
	{__LINE__,
	 "x",
	 H(dup),
	 {END},
	 "no column 'x'; the header has: a, b, a",
	 NULL},
	{__LINE__,
	 "true_3",
	 H(seed),
	 {END},
	 "no column 'true_3' (did you mean 'true_0', 'true_1' or "
	 "'true_2'?)" SEED_LIST,
	 NULL},
	{__LINE__,
	 "true_0-true_9",
	 H(seed),
	 {END},
	 "no column 'true_0-true_9'" SEED_LIST,
	 NULL},
	{__LINE__,
	 "True_0",
	 H(seed),
	 {END},
	 "no column 'True_0' (did you mean 'true_0'?)" SEED_LIST,
	 NULL},
	{__LINE__, " w", H(seed), {END}, "no column ' w'" SEED_LIST, NULL},
	/* A name used that is not unique is an error; one not used is not,
	 * and its columns can still be had by index. */
	{__LINE__,
	 "a",
	 H(dup),
	 {END},
	 "column name 'a' is ambiguous: columns 1 and 3 share it; select by "
	 "position instead",
	 NULL},
	{__LINE__,
	 "b,a",
	 H(dup),
	 {END},
	 "column name 'a' is ambiguous: columns 1 and 3 share it; select by "
	 "position instead",
	 NULL},
	{__LINE__,
	 "a-c",
	 H(dup4),
	 {END},
	 "column name 'a' is ambiguous: columns 1 and 3 share it; select by "
	 "position instead",
	 NULL},
	{__LINE__, "b", H(dup), {1, END}, NULL, NULL},
	{__LINE__, "3", H(dup), {2, END}, NULL, NULL},
	{__LINE__, "b-c", H(dup4), {1, 2, 3, END}, NULL, NULL},
	/* Bare digits are a position, whatever the header holds; one that
	 * is also the name of another column is refused, with the two
	 * spellings that are clear. */
	{__LINE__,
	 "1",
	 H(numeric),
	 {END},
	 "'1' is position 1 (named '2') and also the name of column 2: type "
	 "-t '\"2\"' for column 1, or -t '\"1\"' for column 2",
	 NULL},
	{__LINE__, "2", H(numeric), {END}, NULL, "name of column 1"},
	{__LINE__, "3", H(numeric), {2, END}, NULL, NULL},
	{__LINE__, "x,3", H(numeric), {2, 2, END}, NULL, NULL},
	/* The name of the column at that position is no clash. */
	{__LINE__, "1", H(selfnamed), {0, END}, NULL, NULL},
	{__LINE__, "1-3", H(selfnamed), {0, 1, 2, END}, NULL, NULL},
	/* pandas' header 0,1,2,...: "1,2,3" is refused, not read as
	 * names 1 and 2 and position 3. */
	{__LINE__, "1,2,3", H(pandas), {END}, NULL, "'1' is position 1"},
	{__LINE__, "1-3", H(pandas), {END}, NULL, "'1' is position 1"},
	{__LINE__, "6", H(pandas), {5, END}, NULL, NULL},
	{__LINE__,
	 "0",
	 H(pandas),
	 {END},
	 "no column at position '0' (the header has 6); for the column named "
	 "'0' (column 1), type -t '\"0\"'",
	 NULL},
	{__LINE__,
	 "7",
	 H(pandas),
	 {END},
	 "no column '7'; the header has: 0, "
	 "1, 2, 3, 4, 5",
	 NULL},
	/* Names in double quotes, whatever they look like. */
	{__LINE__, "\"1\",\"2\",\"3\"", H(pandas), {1, 2, 3, END}, NULL, NULL},
	{__LINE__, "\"0\"-\"2\"", H(pandas), {0, 1, 2, END}, NULL, NULL},
	{__LINE__, "\"3\"-6", H(pandas), {3, 4, 5, END}, NULL, NULL},
	{__LINE__, "6-\"5\"", H(pandas), {5, END}, NULL, NULL},
	{__LINE__, "\"1\"", H(numeric), {1, END}, NULL, NULL},
	{__LINE__, "\"2\"", H(numeric), {0, END}, NULL, NULL},
	{__LINE__, "\"x\"", H(numeric), {2, END}, NULL, NULL},
	{__LINE__, "\"a-b\"", H(dashed3), {2, END}, NULL, NULL},
	{__LINE__, "\"a\"-\"b\"", H(dashed3), {0, 1, END}, NULL, NULL},
	{__LINE__, "\"a\"-b", H(dashed3), {0, 1, END}, NULL, NULL},
	{__LINE__, "a-\"a-b\"", H(dashed3), {0, 1, 2, END}, NULL, NULL},
	{__LINE__, "\"a-b\"-c", H(dashed), {0, 1, END}, NULL, NULL},
	{__LINE__,
	 "\"a,b\",\"q\"\"\",\"\"",
	 H(odd),
	 {0, 1, 2, END},
	 NULL,
	 NULL},
	{__LINE__,
	 "\"3\"",
	 H(numeric),
	 {END},
	 "no column named '3'; the header has: 2, 1, x",
	 NULL},
	{__LINE__,
	 "x,\"ab",
	 H(numeric),
	 {END},
	 "unterminated quote in 'x,\"ab'; a name in double quotes ends with "
	 "one",
	 NULL},
	{__LINE__,
	 "\"x\"y",
	 H(numeric),
	 {END},
	 "text after the closing quote in '\"x\"y'; a quote inside a quoted "
	 "name is written twice",
	 NULL},
	{__LINE__,
	 "\"x\"-\"y\"z",
	 H(numeric),
	 {END},
	 NULL,
	 "after the closing"},
	{__LINE__, "\"x\"-", H(numeric), {END}, NULL, "empty column name"},
	/* A range of positions that is also a name. */
	{__LINE__,
	 "1-2",
	 H(rangename),
	 {END},
	 "'1-2' is the positions 1 to 2 and also the name of column 3: type -t "
	 "'\"1-2\"' for that column, or list the positions one by one",
	 NULL},
	{__LINE__, "\"1-2\"", H(rangename), {2, END}, NULL, NULL},
	/* A name's single quote, for the shell. */
	{__LINE__, "1", H(quote1), {END}, NULL, "-t '\"it'\\''s\"'"},
	/* Indices out of range. */
	{__LINE__, "0", H(seed), {END}, "no column '0'" SEED_LIST, NULL},
	{__LINE__, "8", H(seed), {END}, "no column '8'" SEED_LIST, NULL},
	{__LINE__, "0-2", H(seed), {END}, "no column '0-2'" SEED_LIST, NULL},
	{__LINE__, "6-8", H(seed), {END}, "no column '6-8'" SEED_LIST, NULL},
	{__LINE__, "-1", H(seed), {END}, "no column '-1'" SEED_LIST, NULL},
	{__LINE__, "+1", H(seed), {END}, "no column '+1'" SEED_LIST, NULL},
	{__LINE__,
	 "99999999999999999999999",
	 H(seed),
	 {END},
	 "no column '99999999999999999999999'" SEED_LIST,
	 NULL},
	{__LINE__,
	 "18446744073709551617",
	 H(seed),
	 {END},
	 "no column '18446744073709551617'" SEED_LIST,
	 NULL},
	/* No header: positions only, and the message gives the count. */
	{__LINE__, "1", NOHEADER(10), {0, END}, NULL, NULL},
	{__LINE__, "10", NOHEADER(10), {9, END}, NULL, NULL},
	{__LINE__, "1-3,10", NOHEADER(10), {0, 1, 2, 9, END}, NULL, NULL},
	{__LINE__,
	 "12",
	 NOHEADER(10),
	 {END},
	 "no column '12'; the input has 10 columns",
	 NULL},
	{__LINE__,
	 "true_0",
	 NOHEADER(10),
	 {END},
	 "no column 'true_0'; the input has 10 columns",
	 NULL},
	{__LINE__,
	 "9-11",
	 NOHEADER(10),
	 {END},
	 "no column '9-11'; the input has 10 columns",
	 NULL},
	/* Without a header a name, quoted or not, is no column. */
	{__LINE__,
	 "\"1\"",
	 NOHEADER(10),
	 {END},
	 "'\"1\"' is a name, but with -n there is no header: select by "
	 "position; the input has 10 columns",
	 NULL},
	/* Empty items. */
	{__LINE__, "a,,b", H(dashed3), {END}, NULL, "'a,,b'"},
	{__LINE__, "1,,2", H(seed), {END}, NULL, "'1,,2'"},
	{__LINE__, "", H(seed), {END}, NULL, "''"},
	{__LINE__, "1,", H(seed), {END}, NULL, "'1,'"},
	{__LINE__, ",1", H(seed), {END}, NULL, "',1'"},
};

/* ERR is written on failure only; a sentinel shows whether it was. */
static void
check_resolve(const struct resolve_case *c)
{
	char err[SELECT_ERR_SIZE];
	size_t *cols = NULL, count = 12345, nwant = 0;
	int r;

	strcpy(err, "(untouched)");
	r = select_resolve("-t", c->spec, c->names, c->n, &cols, &count, err);
	while (nwant < MAXCOLS && c->want[nwant] != END)
		nwant++;
	if (c->err == NULL && c->err_has == NULL) {
		int same = r == 0 && count == nwant;

		for (size_t i = 0; same && i < nwant; i++)
			same = cols[i] == c->want[i];
		check_count++;
		if (!same) {
			char got[200] = "", want[200] = "";
			size_t g = 0, w = 0;

			for (size_t i = 0; r == 0 && i < count && g < 150; i++)
				g += (size_t)sprintf(got + g, " %zu", cols[i]);
			for (size_t i = 0; i < nwant; i++)
				w += (size_t)sprintf(want + w, " %zu",
						     c->want[i]);
			check_fail(__FILE__, c->line,
				   "select_resolve(\"%s\") is %d [%s ] (%s), "
				   "expected 0 [%s ]",
				   c->spec, r, got, r == 0 ? "no error" : err,
				   want);
		}
		if (r == 0)
			free(cols);
		return;
	}
	if (r != -1) {
		check_count++;
		check_fail(__FILE__, c->line,
			   "select_resolve(\"%s\") is %d, expected -1 with "
			   "\"%s\"",
			   c->spec, r, c->err ? c->err : c->err_has);
		if (r == 0)
			free(cols);
		return;
	}
	if (c->err != NULL)
		check_str_at(__FILE__, c->line, err, c->err,
			     "select_resolve error");
	else
		check_contains_at(__FILE__, c->line, err, c->err_has,
				  "select_resolve error");
}

static void
test_resolve_table(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_resolve(&cases[i]);
}

static void
test_resolve_one(void)
{
	static const char *const abc[] = {"a", "b", "c"};
	char err[SELECT_ERR_SIZE];
	size_t col = 99;

	CHECK_INT(select_resolve_one("-w", "b", H(abc), &col, err), 0);
	CHECK_U64(col, 1);
	CHECK_INT(select_resolve_one("-w", "3", H(abc), &col, err), 0);
	CHECK_U64(col, 2);
	/* A range of one column is one column. */
	CHECK_INT(select_resolve_one("-w", "c-c", H(abc), &col, err), 0);
	CHECK_U64(col, 2);

	/* design.md: "-w: 'a-c' names 3 columns, expected one". */
	col = 99;
	CHECK_INT(select_resolve_one("-w", "a-c", H(abc), &col, err), -1);
	CHECK_STR(err, "'a-c' names 3 columns, expected one");
	CHECK_INT(select_resolve_one("-w", "1,2", H(abc), &col, err), -1);
	CHECK_STR(err, "'1,2' names 2 columns, expected one");
	CHECK_U64(col, 99);

	/* Errors of the list itself come through unchanged. */
	CHECK_INT(select_resolve_one("-w", "x", H(abc), &col, err), -1);
	CHECK_STR(err, "no column 'x'; the header has: a, b, c");
	CHECK_INT(select_resolve_one("-w", "4", NOHEADER(3), &col, err), -1);
	CHECK_STR(err, "no column '4'; the input has 3 columns");
}

struct default_case {
	int line;
	const char *const *names; /* NULL: no header */
	size_t n;
	size_t t[MAXCOLS], p[MAXCOLS]; /* up to END */
	const char *err;	       /* NULL: must succeed */
};

static const char *const d_y[] = {"x", "y_true", "y_pred"};
static const char *const d_y_rev[] = {"y_pred", "w", "y_true"};
static const char *const d_plain[] = {"id", "true", "pred"};
static const char *const d_plain_rev[] = {"pred", "true"};
static const char *const d_target[] = {"target", "w", "prediction"};
static const char *const d_both[] = {"true", "pred", "y_true", "y_pred"};
static const char *const d_half[] = {"y_true", "true", "pred"};
static const char *const d_half2[] = {"target", "pred", "true"};
static const char *const d_two[] = {"a", "b"};
static const char *const d_two_half[] = {"y_true", "b"};
static const char *const d_two_back[] = {"b", "y_true"};
static const char *const d_two_pred[] = {"y_pred", "b"};
static const char *const d_two_clash[] = {"y", "label"};
static const char *const d_three[] = {"a", "b", "c"};
static const char *const d_one[] = {"y_true"};
static const char *const d_case[] = {"Y_TRUE", "Y_PRED", "w"};
static const char *const d_case2[] = {"Target", "PREDICTION"};
static const char *const d_dup[] = {"true", "pred", "true"};
static const char *const d_dup_case[] = {"y_true", "y_pred", "Y_True"};
/* The synonyms of the table, one pair each. */
static const char *const d_actual[] = {"actual", "predicted"};
static const char *const d_yhat[] = {"y", "yhat", "z"};
static const char *const d_y_hat[] = {"z", "y_hat", "y"};
static const char *const d_label[] = {"label", "pred", "z"};
static const char *const d_truth[] = {"truth", "pred", "z"};
static const char *const d_test[] = {"y_test", "y_pred", "z"};
static const char *const d_obs[] = {"observed", "predicted", "z"};
static const char *const d_obs2[] = {"obs", "pred", "z"};
/* pandas's index and R's row names are not data. */
static const char *const d_index[] = {"", "a", "b"};
static const char *const d_unnamed[] = {"Unnamed: 0", "obs", "pred"};
static const char *const d_index_only[] = {"", "a", "b", "c"};
static const char *const d_named_index[] = {"id", "a", "b"};
/* Several outputs, paired by the rest of their names. */
static const char *const d_keys_after[] = {"true_a", "true_b", "pred_a",
					   "pred_b"};
static const char *const d_keys_before[] = {"a_true", "b_true", "b_pred",
					    "a_pred"};
static const char *const d_keys_y[] = {"y_true_a", "y_pred_a", "y_true_b",
				       "y_pred_b"};
static const char *const d_keys_case[] = {"True.A", "PRED.a"};
static const char *const d_keys_seed[] = {"true_0", "true_1", "true_2",
					  "pred_0", "pred_1", "pred_2"};
static const char *const d_keys_short[] = {"true_a", "true_b", "pred_a"};
static const char *const d_keys_mixed[] = {"true", "pred", "true_a", "pred_a"};
static const char *const d_interval[] = {"y", "yhat", "y_lower", "y_upper"};
static const char *const d_keys_twice[] = {"true_a", "pred_a", "TRUE_A"};
static const char *const d_digits[] = {"1", "true", "pred", "true"};

static const struct default_case dcases[] = {
	{__LINE__, H(d_y), {1, END}, {2, END}, NULL},
	{__LINE__, H(d_y_rev), {2, END}, {0, END}, NULL},
	{__LINE__, H(d_plain), {1, END}, {2, END}, NULL},
	/* Names win over the two-column rule, even in the other order. */
	{__LINE__, H(d_plain_rev), {1, END}, {0, END}, NULL},
	{__LINE__, H(d_target), {0, END}, {2, END}, NULL},
	/* Two pairs of names: no pick, but both commands. */
	{__LINE__,
	 H(d_both),
	 {END},
	 {END},
	 "cannot tell which columns hold true and predicted values, 2 "
	 "choices fit: type rmsetab -t y_true -p y_pred f.csv, or rmsetab -t "
	 "true -p pred f.csv"},
	/* Half a pair does not count. */
	{__LINE__, H(d_half), {1, END}, {2, END}, NULL},
	{__LINE__, H(d_half2), {2, END}, {1, END}, NULL},
	/* The only two columns there are, the names saying which is which. */
	{__LINE__, H(d_two), {0, END}, {1, END}, NULL},
	{__LINE__, H(d_two_half), {0, END}, {1, END}, NULL},
	{__LINE__, H(d_two_back), {1, END}, {0, END}, NULL},
	{__LINE__, H(d_two_pred), {1, END}, {0, END}, NULL},
	{__LINE__, NOHEADER(2), {0, END}, {1, END}, NULL},
	{__LINE__,
	 H(d_two_clash),
	 {END},
	 {END},
	 "cannot tell which columns hold true and predicted values; give "
	 "them with -t and -p; the header has: y, label"},
	/* Otherwise an error that lists the header. */
	{__LINE__,
	 H(d_three),
	 {END},
	 {END},
	 "cannot tell which columns hold true and predicted values; give them "
	 "with -t and -p; the header has: a, b, c"},
	{__LINE__,
	 H(d_one),
	 {END},
	 {END},
	 "cannot tell which columns hold true and predicted values; give them "
	 "with -t and -p; the header has: y_true"},
	{__LINE__,
	 NOHEADER(3),
	 {END},
	 {END},
	 "cannot tell which columns hold true and predicted values; give them "
	 "with -t and -p; the input has 3 columns"},
	/* Case does not matter. */
	{__LINE__, H(d_case), {0, END}, {1, END}, NULL},
	{__LINE__, H(d_case2), {0, END}, {1, END}, NULL},
	/* A name twice: two choices, by position. */
	{__LINE__,
	 H(d_dup),
	 {END},
	 {END},
	 "cannot tell which columns hold true and predicted values, 2 choices "
	 "fit: type rmsetab -t 1 -p pred f.csv, or rmsetab -t 3 -p pred f.csv"},
	{__LINE__,
	 H(d_dup_case),
	 {END},
	 {END},
	 "cannot tell which columns hold true and predicted values, 2 choices "
	 "fit: type rmsetab -t y_true -p y_pred f.csv, or rmsetab -t Y_True "
	 "-p y_pred f.csv"},
	{__LINE__, H(d_actual), {0, END}, {1, END}, NULL},
	{__LINE__, H(d_yhat), {0, END}, {1, END}, NULL},
	{__LINE__, H(d_y_hat), {2, END}, {1, END}, NULL},
	{__LINE__, H(d_label), {0, END}, {1, END}, NULL},
	{__LINE__, H(d_truth), {0, END}, {1, END}, NULL},
	{__LINE__, H(d_test), {0, END}, {1, END}, NULL},
	{__LINE__, H(d_obs), {0, END}, {1, END}, NULL},
	{__LINE__, H(d_obs2), {0, END}, {1, END}, NULL},
	{__LINE__, H(d_index), {1, END}, {2, END}, NULL},
	{__LINE__, H(d_unnamed), {1, END}, {2, END}, NULL},
	{__LINE__,
	 H(d_index_only),
	 {END},
	 {END},
	 "cannot tell which columns hold true and predicted values; give them "
	 "with -t and -p; the header has: , a, b, c"},
	{__LINE__,
	 H(d_named_index),
	 {END},
	 {END},
	 "cannot tell which columns hold true and predicted values; give them "
	 "with -t and -p; the header has: id, a, b"},
	{__LINE__, H(d_keys_after), {0, 1, END}, {2, 3, END}, NULL},
	{__LINE__, H(d_keys_before), {0, 1, END}, {3, 2, END}, NULL},
	{__LINE__, H(d_keys_y), {0, 2, END}, {1, 3, END}, NULL},
	{__LINE__, H(d_keys_case), {0, END}, {1, END}, NULL},
	{__LINE__, H(d_keys_seed), {0, 1, 2, END}, {3, 4, 5, END}, NULL},
	{__LINE__,
	 H(d_keys_short),
	 {END},
	 {END},
	 "cannot tell which columns hold true and predicted values: 'true_b' "
	 "has no column to pair with; for the pairs that have one, type "
	 "rmsetab -t true_a -p pred_a f.csv"},
	{__LINE__,
	 H(d_keys_mixed),
	 {END},
	 {END},
	 "cannot tell which columns hold true and predicted values, 2 choices "
	 "fit: type rmsetab -t true -p pred f.csv, or rmsetab -t true_a -p "
	 "pred_a f.csv"},
	/* Keys that only one side has are no pair, nor half of one. */
	{__LINE__, H(d_interval), {0, END}, {1, END}, NULL},
	{__LINE__,
	 H(d_keys_twice),
	 {END},
	 {END},
	 "cannot tell which columns hold true and predicted values, 2 choices "
	 "fit: type rmsetab -t true_a -p pred_a f.csv, or rmsetab -t TRUE_A "
	 "-p pred_a f.csv"},
	/* A name that two columns share is spelled by position. */
	{__LINE__,
	 H(d_digits),
	 {END},
	 {END},
	 "cannot tell which columns hold true and predicted values, 2 choices "
	 "fit: type rmsetab -t 2 -p pred f.csv, or rmsetab -t 4 -p pred f.csv"},
};

static void
test_default(void)
{
	for (size_t i = 0; i < sizeof dcases / sizeof dcases[0]; i++) {
		const struct default_case *c = &dcases[i];
		const struct select_default_how how = {
			"f.csv", NULL, {SIZE_MAX, SIZE_MAX}, NULL, 0};
		char err[SELECT_ERR_SIZE];
		size_t *t = NULL, *p = NULL, pairs = 99, k = 0;
		int r, same;

		strcpy(err, "(untouched)");
		r = select_default(c->names, c->n, &how, &t, &p, &pairs, err);
		if (c->err != NULL && r == -1) {
			check_str_at(__FILE__, c->line, err, c->err,
				     "select_default error");
			continue;
		}
		check_count++;
		while (k < MAXCOLS && c->t[k] != END)
			k++;
		same = r == 0 && c->err == NULL && pairs == k;
		for (size_t j = 0; same && j < k; j++)
			same = t[j] == c->t[j] && p[j] == c->p[j];
		if (!same)
			check_fail(__FILE__, c->line,
				   "select_default is %d, %zu pairs, first "
				   "t %zu p %zu (%s)",
				   r, r == 0 ? pairs : 0, r == 0 ? t[0] : 0,
				   r == 0 ? p[0] : 0, r ? err : "no error");
		if (r == 0) {
			free(t);
			free(p);
		}
	}
}

/* The columns of -w and -e are not among the only two; the paste of the
 * next file is offered to a header of one half. */
static void
test_default_how(void)
{
	static const char *const abw[] = {"a", "b", "w"};
	static const char *const truth[] = {"", "y_true"};
	static const char *const preds[] = {"Y_HAT"};
	struct select_default_how how = {"", NULL, {2, SIZE_MAX}, NULL, 0};
	char err[SELECT_ERR_SIZE];
	size_t *t, *p, pairs;

	CHECK_INT(select_default(H(abw), &how, &t, &p, &pairs, err), 0);
	CHECK_U64(pairs, 1);
	CHECK_U64(t[0], 0);
	CHECK_U64(p[0], 1);
	free(t);
	free(p);
	how.skip[0] = SIZE_MAX;
	CHECK_INT(select_default(H(abw), &how, &t, &p, &pairs, err), -1);
	how.paste = "paste -d, a.csv b.csv | rmsetab";
	CHECK_INT(select_default(H(truth), &how, &t, &p, &pairs, err), -1);
	CHECK_STR(err, "cannot tell which columns hold true and predicted "
		       "values: the header has true values only ('y_true'); "
		       "if the next file holds the predictions, type paste "
		       "-d, a.csv b.csv | rmsetab");
	CHECK_INT(select_default(H(preds), &how, &t, &p, &pairs, err), -1);
	CHECK_CONTAINS(err, "the header has predictions only ('Y_HAT'); if "
			    "the next file holds the true values");
}

/* The spelling of a list in a suggested command reads back as its
 * columns. */
static void
test_spell(void)
{
	static const char *const spelt[] = {"a,b", "it's", "1", "x", "y", "z"};
	const size_t range[] = {3, 4, 5}, two[] = {0, 1}, pos[] = {2};
	char buf[200];

	CHECK_INT(select_spell(buf, sizeof buf, H(spelt), range, 3), 0);
	CHECK_STR(buf, "x-z");
	CHECK_INT(select_spell(buf, sizeof buf, H(spelt), two, 2), 0);
	CHECK_STR(buf, "'\"a,b\",\"it'\\''s\"'");
	CHECK_INT(select_spell(buf, sizeof buf, H(spelt), pos, 1), 0);
	CHECK_STR(buf, "'\"1\"'");
	CHECK_INT(select_spell(buf, sizeof buf, NOHEADER(6), range, 3), 0);
	CHECK_STR(buf, "4-6");
}

/* A lookup in a header with a name three times, and one set aside. */
static void
test_many_same(void)
{
	static const char *const same[] = {"a", "1", "a", "a", "b"};
	char err[SELECT_ERR_SIZE];
	size_t *cols, count;

	CHECK_INT(select_resolve("-t", "b", H(same), &cols, &count, err), 0);
	CHECK_U64(cols[0], 4);
	free(cols);
	CHECK_INT(select_resolve("-t", "a", H(same), &cols, &count, err), -1);
	CHECK_STR(err, "column name 'a' is ambiguous: columns 1 and 3 share "
		       "it; select by position instead");
	CHECK_INT(select_resolve("-t", "2", H(same), &cols, &count, err), 0);
	CHECK_U64(cols[0], 1);
	free(cols);
	CHECK_INT(select_resolve("-t", "Bb", H(same), &cols, &count, err), -1);
	CHECK_STR(err, "no column 'Bb'; the header has: a, 1, a, a, b");
	CHECK_INT(select_resolve("-t", "B", H(same), &cols, &count, err), -1);
	CHECK_STR(err, "no column 'B' (did you mean 'b'?); the header has: "
		       "a, 1, a, a, b");
}

/* A long header or spec must be cut to SELECT_ERR_SIZE, never overrun
 * it: guard bytes after the buffer stay as they were. */
static void
test_long_messages(void)
{
	enum { NCOLS = 200, GUARD = 64 };
	static char namebuf[NCOLS][40];
	const char *names[NCOLS];
	char spec[2000], buf[SELECT_ERR_SIZE + GUARD];
	const struct select_default_how how = {
		"", NULL, {SIZE_MAX, SIZE_MAX}, NULL, 0};
	size_t *cols, count, *t, *p, pairs;
	int guard_ok;

	for (int i = 0; i < NCOLS; i++) {
		snprintf(namebuf[i], sizeof namebuf[i],
			 "a_rather_long_column_name_%03d", i);
		names[i] = namebuf[i];
	}

	memset(buf, 'G', sizeof buf);
	CHECK_INT(select_resolve("-t", "x", names, NCOLS, &cols, &count, buf),
		  -1);
	CHECK(strlen(buf) < SELECT_ERR_SIZE);
	CHECK(strncmp(buf,
		      "no column 'x'; the header has: "
		      "a_rather_long_column_name_000, ",
		      strlen("no column 'x'; the header has: "
			     "a_rather_long_column_name_000, ")) == 0);
	/* A cut list ends in "...", so that it is not taken for whole. */
	CHECK(strlen(buf) > 3 && strcmp(buf + strlen(buf) - 3, "...") == 0);
	guard_ok = 1;
	for (int i = SELECT_ERR_SIZE; i < (int)sizeof buf; i++)
		guard_ok &= buf[i] == 'G';
	CHECK(guard_ok);

	memset(buf, 'G', sizeof buf);
	CHECK_INT(select_default(names, NCOLS, &how, &t, &p, &pairs, buf), -1);
	CHECK(strlen(buf) < SELECT_ERR_SIZE);
	guard_ok = 1;
	for (int i = SELECT_ERR_SIZE; i < (int)sizeof buf; i++)
		guard_ok &= buf[i] == 'G';
	CHECK(guard_ok);

	/* A spec longer than the buffer, in each kind of message: an
	 * unknown name, an empty item, a range, and no header. */
	for (int kind = 0; kind < 4; kind++) {
		memset(spec, 'z', sizeof spec - 1);
		spec[sizeof spec - 1] = '\0';
		if (kind == 1)
			memcpy(spec, "1,,", 3);
		if (kind == 2)
			spec[1000] = '-';
		memset(buf, 'G', sizeof buf);
		CHECK_INT(select_resolve("-t", spec, kind == 3 ? NULL : names,
					 NCOLS, &cols, &count, buf),
			  -1);
		CHECK(strlen(buf) < SELECT_ERR_SIZE);
		guard_ok = 1;
		for (int i = SELECT_ERR_SIZE; i < (int)sizeof buf; i++)
			guard_ok &= buf[i] == 'G';
		CHECK(guard_ok);
	}
}

int
main(void)
{
	test_resolve_table();
	test_resolve_one();
	test_default();
	test_default_how();
	test_spell();
	test_many_same();
	test_long_messages();
	return check_finish("test_select");
}
