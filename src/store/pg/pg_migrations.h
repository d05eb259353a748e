/*
 * pg_migrations.h - the ordered list of PostgreSQL schema migrations. Migration
 * i (1-based) is pg_migrations[i-1] and is the twin of SQLite's migration i
 * (same tables, columns, indexes and version number); never edit a released
 * migration, append a new one (in both engines).
 */
#ifndef PP_PG_MIGRATIONS_H
#define PP_PG_MIGRATIONS_H

#include <stddef.h>

extern const char *const pg_migrations[];
extern const size_t pg_migrations_count;

#endif
