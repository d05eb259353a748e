/*
 * migrations.h - the ordered list of schema migrations. Migration i (1-based)
 * is migrations[i-1]; never edit a released migration, append a new one.
 */
#ifndef PP_MIGRATIONS_H
#define PP_MIGRATIONS_H

#include <stddef.h>

extern const char *const migrations[];
extern const size_t migrations_count;

#endif
