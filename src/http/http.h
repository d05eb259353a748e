/*
 * http.h - the transport: libmicrohttpd, request framing, reading the body,
 * sending the answer, the access log and the request metrics. It fills a
 * struct req (api/req.h) and hands it to the dispatch (api/dispatch.h);
 * nothing below this directory includes libmicrohttpd.
 */
#ifndef PP_HTTP_H
#define PP_HTTP_H

#include "app.h"

/* Request line + headers: 431 beyond (the first gate, before anything else). */
#define HTTP_HEADER_MAX (8 * 1024)
/* MHD per-connection memory: the request head (at most HTTP_HEADER_MAX, plus MHD's
 * bookkeeping) and the response head must both fit. MHD clears it for every request,
 * so it stays small. */
#define HTTP_HEADER_MEMORY    (16 * 1024)
#define HTTP_DRAIN_TIMEOUT_MS 10000 /* SIGTERM: how long in-flight requests may finish */

struct http_server;
int http_start(struct app *app, struct http_server **out);
/* Stops accepting, lets in-flight requests finish, frees. */
void http_stop(struct http_server *s);

#endif
