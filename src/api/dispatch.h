/*
 * dispatch.h - what the transport calls: the route gate once the request head
 * is in, then the other gates and the handler once the body is in (dispatch.c).
 */
#ifndef PP_DISPATCH_H
#define PP_DISPATCH_H

#include "api/req.h"

enum api_route_result {
	API_ROUTE_FOUND = 0, /* read the body, then call api_dispatch() */
	API_ROUTE_STATIC,    /* no route: a dashboard file may answer (GET/HEAD outside /v1/) */
	API_ROUTE_ANSWERED,  /* 404 or 405: send the answer */
};

enum api_route_result api_route(struct req *r);
/* Runs the gates and the handler; r holds the answer afterwards. */
void api_dispatch(struct req *r);

#endif
