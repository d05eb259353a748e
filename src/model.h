/*
 * model.h - the records and limits of paasport: what a user, a session, an
 * API token, an app, a collaborator, an event and a queued mail are, and the
 * named size limits of their fields. At the bottom of the layers, beside
 * util/: every layer may include it; it owns no code and includes no library
 * header (no SQLite, no jansson).
 */
#ifndef PP_MODEL_H
#define PP_MODEL_H

#include <stdint.h>

/* Field limits, in characters of UTF-8 (buffers hold 4 bytes per character). */
#define USERNAME_MIN   3
#define USERNAME_MAX   32
#define EMAIL_MAX      254
#define FULLNAME_MAX   128
#define COMPANY_MAX    128
#define LOCATION_MAX   128
#define TOKEN_NAME_MAX 64
#define PWHASH_MAX     160
#define ID_MAX         48
#define UA_MAX         256

#define TXT(n) ((n)*4 + 1)

#define KEY_NAME_MAX 64   /* an SSH key's name, in characters */
#define KEY_LINE_MAX 4096 /* the stored "type base64 name" line, in bytes (RSA 16384 fits) */
#define KEY_TYPE_MAX 64   /* "sk-ecdsa-sha2-nistp256@openssh.com" fits */
#define KEY_FP_MAX   64   /* "SHA256:" and 43 characters of base64 */

#define APP_NAME_MIN            6
#define APP_NAME_MAX            48
#define PROC_TYPE_MAX           32
#define FORMATION_TYPES_MAX     16 /* process types per app */
#define CONTAINERS_PER_TYPE_MAX 10

/* Times are int64 milliseconds since the epoch (UTC); money is int64 cents. */

struct user_rec {
	char id[ID_MAX];
	char username[TXT(USERNAME_MAX)];
	char email[TXT(EMAIL_MAX)];
	char unconfirmed_email[TXT(EMAIL_MAX)]; /* "" = none */
	char password_hash[PWHASH_MAX];
	char fullname[TXT(FULLNAME_MAX)];
	char company[TXT(COMPANY_MAX)];
	char location[TXT(LOCATION_MAX)];
	int newsletter;
	int64_t created_at;
	int64_t auth_epoch;
	int failed_logins;
	int64_t locked_until;
	int64_t suspended_at; /* 0 = not suspended */
	char suspension_reason[256];
	char referral_code[40];
	/* the address: email_pending 1 while a sign-up has not confirmed it (the gate of
	 * unconfirmed accounts); email_confirmed_at the time its holder last proved it by
	 * a mailed link (0 = never: accounts older than the proof count so) */
	int email_pending;
	int64_t email_confirmed_at;
};

struct session_rec {
	char id[ID_MAX];
	char user_id[ID_MAX];
	char csrf_token[96];
	int64_t created_at, last_seen_at, expires_at;
	char remote_ip[64];
	char user_agent[TXT(UA_MAX)];
};

struct token_rec {
	char id[ID_MAX];
	char user_id[ID_MAX];
	char name[TXT(TOKEN_NAME_MAX)];
	int64_t version;
	int64_t created_at, issued_at, last_used_at; /* last_used_at 0 = never */
};

struct key_rec {
	char id[ID_MAX];
	char user_id[ID_MAX];
	char name[TXT(KEY_NAME_MAX)];
	char type[KEY_TYPE_MAX];
	char content[KEY_LINE_MAX]; /* the normalized line: "type base64 name" */
	char fingerprint[KEY_FP_MAX];
	int64_t created_at, last_used_at; /* last_used_at 0 = never */
};

enum app_role { ROLE_NONE = 0, ROLE_OWNER, ROLE_COLLABORATOR, ROLE_LIMITED };

struct app_rec {
	char id[ID_MAX];
	char name[APP_NAME_MAX + 1];
	char owner_id[ID_MAX];
	char owner_username[TXT(USERNAME_MAX)];
	char owner_email[TXT(EMAIL_MAX)];
	int64_t owner_suspended_at;
	char status[16];
	int64_t created_at, updated_at;
	enum app_role role; /* the caller's */
};

struct formation_rec {
	char type[PROC_TYPE_MAX + 1];
	int amount;
	char size[8];
};

struct collab_rec {
	char id[ID_MAX];
	char app_id[ID_MAX];
	char app_name[APP_NAME_MAX + 1];
	char email[TXT(EMAIL_MAX)];
	char user_id[ID_MAX]; /* "" while pending */
	char username[TXT(USERNAME_MAX)];
	char status[24];
	int is_limited;
	char inviter_id[ID_MAX];
	int64_t created_at, expires_at;
};

struct event_rec {
	int64_t id;
	int64_t created_at;
	char type[48];
	char user_id[ID_MAX];
	char username[TXT(USERNAME_MAX)];
	char email[TXT(EMAIL_MAX)];
	char app_id[ID_MAX];
	char app_name[64];
	const char *type_data; /* JSON text, valid during the callback only */
};

struct mail_rec {
	int64_t id;
	char to_addr[TXT(EMAIL_MAX)];
	char *subject; /* owned by the caller after store_mail_next: free() */
	char *body;
	int attempts;
};

#endif
