/* err.c - names of the PP_E* error codes (see err.h). */
#include "util/err.h"

const char *pp_strerror(int code)
{
	switch (code) {
	case PP_OK: return "ok";
	case PP_ENOMEM: return "out of memory";
	case PP_EINVAL: return "invalid input";
	case PP_ETOOBIG: return "too large";
	case PP_ENOTFOUND: return "not found";
	case PP_ECONFLICT: return "conflict";
	case PP_EDB: return "storage error";
	case PP_EAUTH: return "authentication failed";
	case PP_EIO: return "i/o error";
	case PP_EBUSY: return "busy";
	case PP_EUNAVAIL: return "database unavailable";
	case PP_ERETRY: return "transaction conflict";
	case PP_EEXPIRED: return "expired";
	case PP_EMETHOD: return "method not allowed";
	case PP_ELOCKED: return "locked";
	case PP_EFORBIDDEN: return "forbidden";
	case PP_EPAYMENT: return "payment required";
	}
	return "unknown error";
}
