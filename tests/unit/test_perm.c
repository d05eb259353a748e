/*
 * test_perm.c - perm_may() against every cell of the roles table of
 * docs/api.md ("Roles on an app"): the table is written once here as the
 * expected answers, and a second test reads the table from docs/api.md and
 * checks each of its cells, so the documentation and the code cannot drift
 * apart without a failing test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/perm.h"

/* The columns of the table, in its order. */
static const enum app_role roles[] = {ROLE_OWNER, ROLE_COLLABORATOR, ROLE_LIMITED, ROLE_NONE};
#define NROLES (sizeof roles / sizeof roles[0])

/* The rows: the label in docs/api.md, the action, the cells ("yes", "403", "404"). */
static const struct row {
	const char *label;
	enum perm_action act;
	const char *cells[NROLES];
} table[] = {
        {"read app, containers, events, collaborators", PERM_READ, {"yes", "yes", "yes", "404"}},
        {"restart", PERM_RESTART, {"yes", "yes", "yes", "404"}},
        {"scale", PERM_SCALE, {"yes", "yes", "403", "404"}},
        {"invite, change role, remove others", PERM_COLLABORATE, {"yes", "403", "403", "404"}},
        {"delete the app", PERM_DELETE, {"yes", "403", "403", "404"}},
        {"git fetch (over SSH)", PERM_FETCH, {"yes", "yes", "yes", "404"}},
        {"git push (over SSH)", PERM_PUSH, {"yes", "yes", "403", "404"}},
};
#define NROWS (sizeof table / sizeof table[0])

/* A cell is allowed ("yes") or refused (403: known but not allowed; 404: no role). */
static void check_cell(const struct row *r, size_t col, const char *cell)
{
	int may = perm_may(roles[col], r->act);
	if (strcmp(cell, "yes") == 0) {
		if (!may)
			fail_msg("%s, column %zu: the table says yes, perm_may says no", r->label,
			         col);
	} else if (strcmp(cell, "403") == 0 || strcmp(cell, "404") == 0) {
		if (may)
			fail_msg("%s, column %zu: the table says %s, perm_may says yes", r->label,
			         col, cell);
		/* 404 is for callers with no role: the gate never loads the app for them */
		assert_int_equal(strcmp(cell, "404") == 0, roles[col] == ROLE_NONE);
		assert_non_null(perm_denied_msg(r->act));
	} else {
		fail_msg("%s, column %zu: unknown cell '%s'", r->label, col, cell);
	}
}

static void test_every_cell(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROWS; i++)
		for (size_t c = 0; c < NROLES; c++)
			check_cell(&table[i], c, table[i].cells[c]);
}

/* Not in the table: leaving (removing oneself) is open to every role; the route without
 * an app allows nothing through perm_may (the gate does not ask it). */
static void test_leave_and_none(void **state)
{
	(void)state;
	for (size_t c = 0; c < NROLES; c++) {
		assert_int_equal(perm_may(roles[c], PERM_LEAVE), roles[c] != ROLE_NONE);
		assert_int_equal(perm_may(roles[c], PERM_NONE), 0);
	}
	assert_string_equal(perm_denied_msg(PERM_SCALE),
	                    "a limited collaborator cannot scale the app");
	assert_string_equal(perm_denied_msg(PERM_COLLABORATE),
	                    "only the owner manages collaborators");
	assert_string_equal(perm_denied_msg(PERM_DELETE), "only the owner can delete the app");
}

static FILE *open_doc(void)
{
	/* make runs the tests from the top of the tree; else from beside this file */
	FILE *f = fopen("docs/api.md", "r");
	if (!f) {
		char path[1024];
		const char *slash = strrchr(__FILE__, '/');
		int n = slash ? (int)(slash - __FILE__) : 0;
		snprintf(path, sizeof path, "%.*s%s../../docs/api.md", n, __FILE__, n ? "/" : "");
		f = fopen(path, "r");
	}
	return f;
}

/* Splits "| a | b | c |" into trimmed cells; returns their number. */
static size_t split_row(char *line, char *cells[], size_t max)
{
	size_t n = 0;
	char *p = strchr(line, '|');
	while (p && n < max) {
		char *start = p + 1, *end = strchr(start, '|');
		if (!end)
			break;
		*end = 0;
		while (*start == ' ')
			start++;
		for (char *e = end - 1; e >= start && (*e == ' ' || *e == '\t'); e--)
			*e = 0;
		cells[n++] = start;
		p = end;
	}
	return n;
}

static void test_docs_table(void **state)
{
	(void)state;
	FILE *f = open_doc();
	char line[512];
	int in_section = 0, seen[NROWS] = {0};
	size_t rows = 0;
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (strncmp(line, "## ", 3) == 0) {
			in_section = strcmp(line, "## Roles on an app") == 0;
			continue;
		}
		if (!in_section || line[0] != '|')
			continue;
		char *cells[NROLES + 2];
		size_t n = split_row(line, cells, NROLES + 2);
		if (n != NROLES + 1 || !cells[0][0] || strncmp(cells[0], "---", 3) == 0)
			continue; /* the header and the separator */
		size_t i;
		for (i = 0; i < NROWS; i++)
			if (strcmp(cells[0], table[i].label) == 0)
				break;
		if (i == NROWS)
			fail_msg("docs/api.md has a row this test does not know: '%s'", cells[0]);
		for (size_t c = 0; c < NROLES; c++) {
			assert_string_equal(cells[c + 1], table[i].cells[c]);
			check_cell(&table[i], c, cells[c + 1]);
		}
		seen[i] = 1;
		rows++;
	}
	fclose(f);
	assert_int_equal(rows, NROWS);
	for (size_t i = 0; i < NROWS; i++)
		assert_true(seen[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_cell),
	        cmocka_unit_test(test_leave_and_none),
	        cmocka_unit_test(test_docs_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
