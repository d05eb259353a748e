/*
 * sq_migrations.h - the ordered list of SQLite schema migrations. Migration i (1-based)
 * is sq_migrations[i-1]; never edit a released migration, append a new one.
 */
#ifndef PP_SQ_MIGRATIONS_H
#define PP_SQ_MIGRATIONS_H

#include <stddef.h>

extern const char *const sq_migrations[];
extern const size_t sq_migrations_count;

#endif
