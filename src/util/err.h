/*
 * err.h - the one error convention of paasport.
 *
 * Every function that can fail returns int: 0 on success, one of the negative
 * PP_E* codes below on failure. Callers write `if ((rc = f()) != 0) goto out;`
 * and free everything at a single `out:` label. Destructors accept NULL.
 */
#ifndef PP_ERR_H
#define PP_ERR_H

enum {
	PP_OK = 0,
	PP_ENOMEM = -1,      /* allocation failed */
	PP_EINVAL = -2,      /* malformed input */
	PP_ETOOBIG = -3,     /* a named size limit was exceeded */
	PP_ENOTFOUND = -4,   /* no such object (or not visible to the caller) */
	PP_ECONFLICT = -5,   /* unique constraint / state conflict */
	PP_EDB = -6,         /* storage failure */
	PP_EAUTH = -7,       /* authentication failed */
	PP_EIO = -8,         /* I/O or network failure */
	PP_EBUSY = -9,       /* resource temporarily unavailable */
	PP_EEXPIRED = -10,   /* token or link expired / already used */
	PP_EMETHOD = -11,    /* path exists, method does not */
	PP_ELOCKED = -12,    /* account locked */
	PP_EFORBIDDEN = -13, /* known to the caller, but not allowed to them */
	PP_EPAYMENT = -14,   /* refused until an invoice is paid (account suspended) */
	PP_EUNAVAIL = -15,   /* the database cannot be reached (a restart, a failover) */
	PP_ERETRY = -16,     /* the transaction lost a race (serialization, deadlock): rerun it */
};

/* A short, static, human-readable name for an error code. */
const char *pp_strerror(int code);

#endif
