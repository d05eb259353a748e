/*
 * store_copy.h - moving up from SQLite: copies a SQLite store into an empty
 * PostgreSQL one (`paasportd store copy --from PATH.db --to postgresql://...`).
 */
#ifndef PP_STORE_COPY_H
#define PP_STORE_COPY_H

#include <stddef.h>
#include <stdio.h>

/*
 * Copies every table of the SQLite store at `from` (opened read-only; its
 * schema version must be this binary's) into the PostgreSQL database `to`
 * (migrated by store_open first, and refused unless every table to copy is
 * empty there). One PostgreSQL transaction: the rows go in with COPY, in
 * foreign-key order, keeping ids (identity sequences are moved past the
 * highest id); the row count of every table is checked against the source
 * before the commit, so either everything is copied or nothing is.
 *
 * Writes a per-table summary to `report`. Returns 0, or a PP_E* code with a
 * one-line explanation for a person in err (PP_EINVAL: bad arguments or source;
 * PP_ECONFLICT: the target holds rows; PP_EUNAVAIL: the target cannot be
 * reached; PP_EDB: anything else).
 */
int store_copy(const char *from, const char *to, FILE *report, char *err, size_t errcap);

#endif
