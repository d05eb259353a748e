/*
 * webfiles.h - the dashboard's static files, read into memory at start-up
 * (so no request path ever reaches the filesystem) and served with a strict
 * Content-Security-Policy. "/" serves index.html.
 */
#ifndef PP_WEBFILES_H
#define PP_WEBFILES_H

#include <stddef.h>

#define WEBFILES_MAX      128
#define WEBFILES_FILE_MAX (2 * 1024 * 1024)
#define WEBFILES_CSP                                                                               \
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "          \
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

struct webfiles;
struct req;

/* Loads every regular file below dir (one level of sub-folders). Missing dir = none. */
int webfiles_load(const char *dir, struct webfiles **out);
void webfiles_free(struct webfiles *w);
void webfiles_serve(struct webfiles *w, struct req *r);

#endif
