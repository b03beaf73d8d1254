/* plot.c: the --plot chart.  Batches go into buckets of `span` batches
 * each; when the buckets run out, neighbours merge and the span doubles, so
 * a run of any length ends with between PLOT_POINTS / 4 and PLOT_POINTS / 2
 * buckets of two points (the least and the greatest value), or one point a
 * batch while there are at most PLOT_POINTS batches.  The SVG is plain
 * text written at the end: no library, no script, no external font. */
#include "plot.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

enum { CURVES = 3 };

/* The canvas and the plot area in it, in SVG user units (pixels). */
enum { WIDTH = 900, HEIGHT = 520, LEFT = 80, RIGHT = 870, TOP = 70 };
enum { BOTTOM = 440 };

/* Curves from the bottom layer up: the noisy batch values under the two
 * running figures; the mean is dashed so that it shows where it lies on
 * the running RMSE.  Okabe-Ito colours, told apart without colour vision
 * too by weight and dash. */
static const struct {
	const char *id, *label, *color, *width, *dash;
} curve[CURVES] = {
	{"batch-rmse", "batch rmse", "#8c8c8c", "1", NULL},
	{"running-rmse", "running rmse", "#0072B2", "2", NULL},
	{"mean-batch-rmse", "mean batch rmse", "#E69F00", "2", "7,4"},
};

/* Below this many points a curve also gets a dot at each. */
enum { DOTS_UP_TO = 60 };

static void
bucket_clear(struct plot_bucket *b)
{
	for (int c = 0; c < CURVES; c++)
		b->lo[c].v = b->hi[c].v = NAN;
}

int
plot_init(struct plot *p, FILE *out, const char *name,
	  const struct plot_config *cfg)
{
	memset(p, 0, sizeof *p);
	p->cfg = *cfg;
	p->out = out;
	p->span = 1;
	p->mark_stride = 1;
	p->buckets = malloc(PLOT_POINTS * sizeof *p->buckets);
	if (p->buckets == NULL) {
		diag("%s: out of memory", name);
		return -1;
	}
	return 0;
}

/* Buckets held before neighbours merge: one point each at span 1, two
 * each (least and greatest) after. */
static size_t
capacity(const struct plot *p)
{
	return p->span == 1 ? PLOT_POINTS : PLOT_POINTS / 2;
}

static void
merge_extreme(struct plot_extreme *into, const struct plot_extreme *later,
	      bool least)
{
	if (isnan(later->v))
		return;
	if (isnan(into->v) || (least ? later->v < into->v : later->v > into->v))
		*into = *later;
}

static void
halve(struct plot *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nbuckets; i += 2, n++) {
		struct plot_bucket b = p->buckets[i];

		if (i + 1 < p->nbuckets)
			for (int c = 0; c < CURVES; c++) {
				merge_extreme(&b.lo[c],
					      &p->buckets[i + 1].lo[c], true);
				merge_extreme(&b.hi[c],
					      &p->buckets[i + 1].hi[c], false);
			}
		p->buckets[n] = b;
	}
	p->nbuckets = n;
	p->span *= 2;
}

/* Keeps every other boundary when there are too many to draw. */
static void
thin_marks(struct plot *p)
{
	size_t n = 0;

	for (size_t i = 1; i < p->nmarks; i += 2)
		p->marks[n++] = p->marks[i];
	p->nmarks = n;
	p->mark_stride *= 2;
}

/* TEXT cut to fit LABEL without splitting a UTF-8 sequence. */
static void
set_label(char *label, const char *text)
{
	size_t n = strlen(text);

	if (n >= PLOT_LABEL) {
		n = PLOT_LABEL - 1;
		while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(label, text, n);
	label[n] = '\0';
}

static void
epoch_label(char *label, const struct batcher_line *l)
{
	if (l->epoch_key != NULL)
		set_label(label, l->epoch_key);
	else
		snprintf(label, PLOT_LABEL, "%" PRIu64, l->epoch);
}

static void
add_mark(struct plot *p, const struct batcher_line *l)
{
	struct plot_mark *m;

	/* Epoch 2 is the first boundary; boundary k is kept when k is a
	 * multiple of the stride. */
	if ((p->epochs - 1) % p->mark_stride != 0)
		return;
	if (p->nmarks == PLOT_MARKS) {
		thin_marks(p);
		if ((p->epochs - 1) % p->mark_stride != 0)
			return;
	}
	m = &p->marks[p->nmarks++];
	m->at = p->batches;
	epoch_label(m->label, l);
}

void
plot_batch(struct plot *p, const struct batcher_line *l)
{
	const double v[CURVES] = {l->v[M_RMSE], l->v[M_RUNNING_RMSE],
				  l->v[M_MEAN_BATCH_RMSE]};
	struct plot_bucket *b;
	size_t k;

	if (p->batches == 0 || l->epoch != p->last_epoch) {
		p->epochs++;
		p->last_epoch = l->epoch;
		if (p->batches > 0)
			add_mark(p, l);
		else
			epoch_label(p->first_label, l);
	}
	while ((k = (size_t)(p->batches / p->span)) >= capacity(p))
		halve(p);
	if (k == p->nbuckets)
		bucket_clear(&p->buckets[p->nbuckets++]);
	b = &p->buckets[k];
	for (int c = 0; c < CURVES; c++) {
		struct plot_extreme e = {isfinite(v[c]) ? v[c] : NAN,
					 p->batches};

		merge_extreme(&b->lo[c], &e, true);
		merge_extreme(&b->hi[c], &e, false);
	}
	p->batches++;
}

/* Text for an SVG text node: XML's five specials escaped, control bytes
 * and bytes that are not UTF-8 (an -e label can hold anything) replaced,
 * since either would make the file not XML. */
static void
put_text(FILE *out, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	while (*u) {
		int n = *u < 0x80		   ? 1
			: *u >= 0xc2 && *u <= 0xdf ? 2
			: *u >= 0xe0 && *u <= 0xef ? 3
			: *u >= 0xf0 && *u <= 0xf4 ? 4
						   : 0;
		bool ok = n > 0;

		for (int i = 1; ok && i < n; i++)
			ok = (u[i] & 0xc0) == 0x80;
		/* Overlong forms, surrogates, past U+10FFFF, U+FFFE/F. */
		if (ok && n == 3)
			ok = !(u[0] == 0xe0 && u[1] < 0xa0) &&
			     !(u[0] == 0xed && u[1] > 0x9f) &&
			     !(u[0] == 0xef && u[1] == 0xbf && u[2] >= 0xbe);
		if (ok && n == 4)
			ok = !(u[0] == 0xf0 && u[1] < 0x90) &&
			     !(u[0] == 0xf4 && u[1] > 0x8f);
		if (!ok) {
			fputc('?', out);
			u++;
			continue;
		}
		switch (*u) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default:
			if (*u < 0x20 || *u == 0x7f)
				fputc(' ', out);
			else
				fwrite(u, 1, (size_t)n, out);
		}
		u += n;
	}
}

/* A round step (1, 2, 2.5 or 5 times a power of 10; 2.5 only when ODD is
 * allowed) that cuts RANGE into about TARGET parts. */
static double
nice_step(double range, int target, bool odd)
{
	double raw = range / target, mag = pow(10, floor(log10(raw)));
	double f = raw / mag;

	if (f <= 1)
		return mag;
	if (f <= 2)
		return 2 * mag;
	if (odd && f <= 2.5)
		return 2.5 * mag;
	return f <= 5 ? 5 * mag : 10 * mag;
}

struct frame {
	uint64_t batches;
	double lo, hi, step; /* the y axis */
};

static double
x_of(const struct frame *f, double batch)
{
	/* Batch g (from 0) is centred in its slice of the width. */
	return LEFT + (batch + 0.5) / (double)f->batches * (RIGHT - LEFT);
}

static double
y_of(const struct frame *f, double v)
{
	return BOTTOM - (v - f->lo) / (f->hi - f->lo) * (BOTTOM - TOP);
}

/* The y axis: from the least to the greatest value drawn, out to round
 * ticks; from 0 when the values are spread more than they are far from 0,
 * so that a flat curve is not blown up into noise, nor a falling one cut. */
static bool
y_axis(const struct plot *p, struct frame *f)
{
	double lo = INFINITY, hi = -INFINITY;

	for (size_t i = 0; i < p->nbuckets; i++)
		for (int c = 0; c < CURVES; c++)
			if (!isnan(p->buckets[i].lo[c].v)) {
				lo = fmin(lo, p->buckets[i].lo[c].v);
				hi = fmax(hi, p->buckets[i].hi[c].v);
			}
	if (lo > hi)
		return false;
	if (lo == hi) {
		hi = hi == 0 ? 1 : hi * 1.1;
		lo = lo * 0.9;
	}
	if (lo < hi - lo)
		lo = 0;
	f->step = nice_step(hi - lo, 5, true);
	f->lo = floor(lo / f->step) * f->step;
	f->hi = ceil(hi / f->step) * f->step;
	return true;
}

/* The ticks all with as many decimals as the step needs ("1.40" beside
 * "1.42"), or in exponent form for very large or small values. */
static void
put_tick_value(FILE *out, const struct frame *f, double v)
{
	double big = fmax(fabs(f->lo), fabs(f->hi));
	int decimals = (int)-floor(log10(f->step) + 1e-9);

	if (fabs(v) < f->step / 2)
		v = 0;
	if (big >= 1e7 || f->step < 1e-5) {
		int digits = (int)ceil(log10(big / f->step)) + 1;

		fprintf(out, "%.*g",
			digits < 1    ? 1
			: digits > 15 ? 15
				      : digits,
			v);
		return;
	}
	/* A step of 2.5 times a power of ten needs one decimal more. */
	if (fmod(f->step / pow(10, -decimals), 1) > 1e-6)
		decimals++;
	fprintf(out, "%.*f", decimals > 0 ? decimals : 0, v);
}

static void
put_axes(FILE *out, const struct frame *f)
{
	uint64_t xstep;

	fputs("<g font-size=\"12\" fill=\"#444\">\n", out);
	for (double k = ceil(f->lo / f->step);; k++) {
		double v = k * f->step, y = y_of(f, v);

		if (v > f->hi + f->step / 2)
			break;
		fprintf(out,
			"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
			"stroke=\"#e6e6e6\"/>\n",
			LEFT, y, RIGHT, y);
		fprintf(out,
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" "
			"dominant-baseline=\"middle\">",
			LEFT - 8, y);
		put_tick_value(out, f, v);
		fputs("</text>\n", out);
	}
	xstep = (uint64_t)nice_step((double)f->batches, 8, false);
	if (xstep < 1)
		xstep = 1;
	for (uint64_t g = xstep; g <= f->batches; g += xstep) {
		double x = x_of(f, (double)(g - 1));

		fprintf(out,
			"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
			"stroke=\"#444\"/>\n",
			x, BOTTOM, x, BOTTOM + 5);
		fprintf(out,
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
			"%" PRIu64 "</text>\n",
			x, BOTTOM + 20, g);
	}
	fprintf(out,
		"<path d=\"M%d %dV%dH%d\" fill=\"none\" stroke=\"#444\"/>\n",
		LEFT, TOP, BOTTOM, RIGHT);
	fprintf(out,
		"<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">batch, counted "
		"over every epoch</text>\n",
		(LEFT + RIGHT) / 2, BOTTOM + 45);
	fprintf(out,
		"<text transform=\"translate(22 %d) rotate(-90)\" "
		"text-anchor=\"middle\">RMSE</text>\n</g>\n",
		(TOP + BOTTOM) / 2);
}

/* Epoch boundaries as dashed lines; their labels only when each has room,
 * the first epoch's at the left edge. */
static void
put_marks(FILE *out, const struct plot *p, const struct frame *f)
{
	bool labels = p->mark_stride == 1;
	double prev = LEFT;

	for (size_t i = 0; i < p->nmarks && labels; i++) {
		double x = x_of(f, (double)p->marks[i].at - 0.5);

		labels = x - prev >= 12 + 7 * (6 + strlen(p->marks[i].label));
		prev = x;
	}
	fputs("<g id=\"epoch-boundaries\" stroke=\"#b0b0b0\" "
	      "stroke-dasharray=\"4,3\">\n",
	      out);
	for (size_t i = 0; i < p->nmarks; i++) {
		double x = x_of(f, (double)p->marks[i].at - 0.5);

		fprintf(out,
			"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
			x, TOP, x, BOTTOM);
	}
	fputs("</g>\n", out);
	if (!labels)
		return;
	fputs("<g font-size=\"11\" fill=\"#666\">\n", out);
	fprintf(out, "<text x=\"%d\" y=\"%d\">epoch ", LEFT + 4, TOP + 14);
	put_text(out, p->first_label);
	fputs("</text>\n", out);
	for (size_t i = 0; i < p->nmarks; i++) {
		fprintf(out, "<text x=\"%.1f\" y=\"%d\">epoch ",
			x_of(f, (double)p->marks[i].at - 0.5) + 4, TOP + 14);
		put_text(out, p->marks[i].label);
		fputs("</text>\n", out);
	}
	fputs("</g>\n", out);
}

static void
put_point(FILE *out, const struct frame *f, const struct plot_extreme *e,
	  bool *first)
{
	fprintf(out, "%s%.1f,%.1f", *first ? "" : " ", x_of(f, (double)e->at),
		y_of(f, e->v));
	*first = false;
}

/* The points of curve C in order; a bucket with no defined value breaks
 * the line. */
static void
put_curve(FILE *out, const struct plot *p, const struct frame *f, int c,
	  bool dots)
{
	size_t i = 0;

	fprintf(out,
		"<g id=\"%s\" fill=\"none\" stroke=\"%s\" "
		"stroke-width=\"%s\" stroke-linejoin=\"round\"",
		curve[c].id, curve[c].color, curve[c].width);
	if (curve[c].dash != NULL)
		fprintf(out, " stroke-dasharray=\"%s\"", curve[c].dash);
	if (dots)
		fprintf(out,
			" marker-start=\"url(#dot-%s)\" "
			"marker-mid=\"url(#dot-%s)\" "
			"marker-end=\"url(#dot-%s)\"",
			curve[c].id, curve[c].id, curve[c].id);
	fputs(">\n", out);
	while (i < p->nbuckets) {
		size_t end = i;
		bool first = true;

		while (end < p->nbuckets && !isnan(p->buckets[end].lo[c].v))
			end++;
		if (end - i == 1 &&
		    p->buckets[i].lo[c].at == p->buckets[i].hi[c].at) {
			/* A lone point: a line of one point draws nothing. */
			fprintf(out,
				"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" "
				"fill=\"%s\" stroke=\"none\"/>\n",
				x_of(f, (double)p->buckets[i].lo[c].at),
				y_of(f, p->buckets[i].lo[c].v), curve[c].color);
		} else if (end > i) {
			fputs("<polyline points=\"", out);
			for (size_t k = i; k < end; k++) {
				const struct plot_bucket *b = &p->buckets[k];
				bool lo_first = b->lo[c].at <= b->hi[c].at;

				put_point(out, f,
					  lo_first ? &b->lo[c] : &b->hi[c],
					  &first);
				if (b->lo[c].at != b->hi[c].at)
					put_point(out, f,
						  lo_first ? &b->hi[c]
							   : &b->lo[c],
						  &first);
			}
			fputs("\"/>\n", out);
		}
		i = end;
		while (i < p->nbuckets && isnan(p->buckets[i].lo[c].v))
			i++;
	}
	fputs("</g>\n", out);
}

static void
put_legend(FILE *out)
{
	static const int at[CURVES] = {470, 745, 590};

	fputs("<g font-size=\"13\" fill=\"#222\">\n", out);
	for (int c = 0; c < CURVES; c++) {
		fprintf(out,
			"<line x1=\"%d\" y1=\"22\" x2=\"%d\" y2=\"22\" "
			"stroke=\"%s\" stroke-width=\"%s\"%s%s%s/>\n",
			at[c], at[c] + 26, curve[c].color, curve[c].width,
			curve[c].dash ? " stroke-dasharray=\"" : "",
			curve[c].dash ? curve[c].dash : "",
			curve[c].dash ? "\"" : "");
		fprintf(out, "<text x=\"%d\" y=\"26\">%s</text>\n", at[c] + 32,
			curve[c].label);
	}
	fputs("</g>\n", out);
}

static void
put_titles(FILE *out, const struct plot *p)
{
	fprintf(out,
		"<text x=\"%d\" y=\"28\" font-size=\"18\" font-weight=\"bold\" "
		"fill=\"#222\">RMSE per batch</text>\n",
		LEFT);
	fprintf(out,
		"<text x=\"%d\" y=\"50\" font-size=\"12\" fill=\"#555\">"
		"%" PRIu64 " batch%s in %" PRIu64 " epoch%s, batch size %zu, "
		"%s",
		LEFT, p->batches, p->batches == 1 ? "" : "es", p->epochs,
		p->epochs == 1 ? "" : "s", p->cfg.batch_size,
		p->cfg.reset_never ? "never reset" : "reset every epoch");
	fputs("</text>\n", out);
	if (p->span == 1 && p->mark_stride == 1)
		return;
	fprintf(out,
		"<text x=\"%d\" y=\"%d\" font-size=\"11\" "
		"fill=\"#555\">",
		LEFT, HEIGHT - 8);
	if (p->span > 1)
		fprintf(out,
			"Each pair of points is the least and the greatest "
			"value of %" PRIu64 " batches. ",
			p->span);
	if (p->mark_stride > 1)
		fprintf(out, "One epoch boundary in %" PRIu64 " is marked.",
			p->mark_stride);
	fputs("</text>\n", out);
}

static void
put_dots(FILE *out)
{
	fputs("<defs>\n", out);
	for (int c = 0; c < CURVES; c++)
		fprintf(out,
			"<marker id=\"dot-%s\" markerWidth=\"8\" "
			"markerHeight=\"8\" refX=\"4\" refY=\"4\" "
			"markerUnits=\"userSpaceOnUse\"><circle cx=\"4\" "
			"cy=\"4\" r=\"%s\" fill=\"%s\" stroke=\"none\"/>"
			"</marker>\n",
			curve[c].id, c == 0 ? "2" : "3", curve[c].color);
	fputs("</defs>\n", out);
}

static void
put_svg(FILE *out, const struct plot *p)
{
	struct frame f = {.batches = p->batches};
	bool dots = p->span == 1 && p->nbuckets <= DOTS_UP_TO;

	fprintf(out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" "
		"font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
		"<title>rmsetab: batch, mean batch and running RMSE</title>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		WIDTH, HEIGHT, WIDTH, HEIGHT);
	if (dots)
		put_dots(out);
	put_titles(out, p);
	put_legend(out);
	if (!y_axis(p, &f)) {
		fprintf(out,
			"<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
			"font-size=\"14\" fill=\"#555\">%s</text>\n",
			(LEFT + RIGHT) / 2, (TOP + BOTTOM) / 2,
			p->batches == 0 ? "no batches"
					: "no batch has a defined RMSE");
	} else {
		put_axes(out, &f);
		put_marks(out, p, &f);
		for (int c = 0; c < CURVES; c++)
			put_curve(out, p, &f, c, dots);
	}
	fputs("</svg>\n", out);
}

void
plot_finish(struct plot *p)
{
	put_svg(p->out, p);
	free(p->buckets);
}
