/*
 * fuzz_gitcmd.c - libFuzzer target for gitcmd_parse() on the raw input (NUL
 * bytes included). An accepted push or fetch names a valid app and came from
 * a command without NUL, line break or unquoted shell character; a refusal
 * gives a one-line reason and no app.
 * FUZZ_SRC: @lib
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/apps.h"
#include "core/gitcmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gitcmd g;
	char why[GITCMD_WHY_MAX];
	int rc = gitcmd_parse((const char *)data, size, &g, why);
	if (rc != 0) {
		if (g.op != GITCMD_EMPTY || g.app[0] || !why[0] || strchr(why, '\n'))
			abort();
		return 0;
	}
	if (size > GITCMD_MAX || memchr(data, 0, size) || memchr(data, '\n', size) ||
	    memchr(data, '\r', size) || memchr(data, ';', size) || memchr(data, '`', size))
		abort();
	if (g.op == GITCMD_EMPTY) {
		if (g.app[0])
			abort();
		for (size_t i = 0; i < size; i++)
			if (data[i] != ' ' && data[i] != '\t')
				abort();
		return 0;
	}
	if ((g.op != GITCMD_RECEIVE && g.op != GITCMD_UPLOAD) || apps_valid_name(g.app))
		abort();
	return 0;
}
