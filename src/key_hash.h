/* key_hash.h: the hash of a key's text, for the tables of keys (groups.c,
 * read_keys.c).  FNV-1a, 64 bits: keys are short, and a table of 2^k slots
 * takes the low bits of a hash whose every bit depends on every byte (the
 * last shift folds the high bits in). */
#ifndef RMSETAB_KEY_HASH_H
#define RMSETAB_KEY_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t
key_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3u;
	}
	return h ^ (h >> 29);
}

#endif
