/* test_width: diag_text_width, the columns a terminal gives a text for
 * the table's widths: UTF-8 decoded as RFC 3629 says (a byte of no
 * character one column, and nothing read past the length), then each
 * code point's width from src/width.h; the widths are Unicode's, looked
 * up by hand (UnicodeData's general category, EastAsianWidth). */
#include "diag.h"

#include <string.h>

#include "check.h"

static size_t
w(const char *s)
{
	return diag_text_width(s, strlen(s));
}

static void
test_decoding(void)
{
	CHECK_U64(w(""), 0);
	CHECK_U64(w("abc"), 3);
	CHECK_U64(w("\t\x7f"), 2);    /* control bytes: one each */
	CHECK_U64(w("\xc3\xa9"), 1);  /* U+00E9, two bytes */
	CHECK_U64(w("\xe6\x97"), 2);  /* U+65E5 cut short: two bytes */
	CHECK_U64(w("\346\227a"), 3); /* the same, then a character */
	/* By the length: U+0301 takes none, its first byte alone one. */
	CHECK_U64(diag_text_width("\xcc\x81", 1), 1);
	CHECK_U64(diag_text_width("\xe6\x97\xa5", 3), 2); /* whole: wide */
	CHECK_U64(w("\x80"), 1); /* a lone continuation byte */
	CHECK_U64(w("\xff\xfe"), 2);
	CHECK_U64(w("\xc0\xaf"), 2);	     /* overlong '/' */
	CHECK_U64(w("\xe0\x80\xaf"), 3);     /* overlong '/' */
	CHECK_U64(w("\xed\xa0\x80"), 3);     /* a surrogate, U+D800 */
	CHECK_U64(w("\xf4\x90\x80\x80"), 4); /* past U+10FFFF */
}

static void
test_widths(void)
{
	CHECK_U64(w("e\xcc\x81"), 1);	     /* U+0301, Mn: none */
	CHECK_U64(w("\xe2\x83\x9d"), 0);     /* U+20DD, Me: none */
	CHECK_U64(w("\xe2\x80\x8b"), 0);     /* U+200B, Cf: none */
	CHECK_U64(w("\xc2\xad"), 1);	     /* U+00AD, Cf, shows: one */
	CHECK_U64(w("\xf3\xa0\x80\x81"), 0); /* U+E0001, Cf: none */
	CHECK_U64(w("\xf3\xa0\x84\x80"), 0); /* U+E0100, Mn: none */
	CHECK_U64(w("\xc2\xa0"), 1);	     /* U+00A0, N */
	CHECK_U64(w("\xe6\x97\xa5\xe6\x9c\xac"), 4); /* U+65E5 U+672C, W */
	CHECK_U64(w("\xe3\x80\x80"), 2);	     /* U+3000, F */
	CHECK_U64(w("\xef\xbc\xa1"), 2);	     /* U+FF21, F */
	CHECK_U64(w("\xef\xbd\xb1"), 1);	     /* U+FF71, H */
	CHECK_U64(w("\xe1\x84\x80"), 2);	     /* U+1100, W */
	CHECK_U64(w("\xea\xb0\x80"), 2);	     /* U+AC00, W */
	CHECK_U64(w("\xf0\x9f\x98\x80"), 2);	     /* U+1F600, W */
	CHECK_U64(w("\xf0\xa0\x80\x80"), 2);	     /* U+20000, W */
}

/* Code points not assigned in Unicode 14: wide only where UAX #11 says
 * so by default, in the blocks of ideographs and planes 2 and 3. */
static void
test_unassigned(void)
{
	CHECK_U64(w("\xcd\xb8"), 1);	     /* U+0378 */
	CHECK_U64(w("\xef\xbf\xbe"), 1);     /* U+FFFE */
	CHECK_U64(w("\xf0\x9f\xaf\xba"), 1); /* U+1FBFA */
	CHECK_U64(w("\xf1\x90\x80\x80"), 1); /* U+50000 */
	CHECK_U64(w("\xf3\xa0\x80\x80"), 1); /* U+E0000 */
	CHECK_U64(w("\xf4\x8f\xbf\xbf"), 1); /* U+10FFFF */
	CHECK_U64(w("\xf0\xaf\xbf\xb0"), 2); /* U+2FFF0, plane 2 */
	CHECK_U64(w("\xf0\xbf\xbf\xbd"), 2); /* U+3FFFD, plane 3 */
	CHECK_U64(w("\xf0\xbf\xbf\xbe"), 1); /* U+3FFFE, past it */
}

int
main(void)
{
	test_decoding();
	test_widths();
	test_unassigned();
	return check_finish("test_width");
}
