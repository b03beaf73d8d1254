/* test_number_swar: test_number again, on number.c built without its SSE2
 * code: the words-only code that machines other than x86-64 run.  number.c
 * is part of this program, so the Makefile links no number.o to it. */
#define NUMBER_NO_SSE2 1
#define TEST_NAME      "test_number_swar"
#include "number.c"
#include "test_number.c"
