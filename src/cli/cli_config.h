/*
 * cli_config.h - the CLI's stored credentials: the auth file
 * $XDG_CONFIG_HOME/paasport/auth.json (default ~/.config/paasport/auth.json),
 * mode 0600 in a 0700 directory, written atomically. It holds the API URL,
 * the API token and who it belongs to; never a password.
 */
#ifndef PP_CLI_CONFIG_H
#define PP_CLI_CONFIG_H

#include "util/buf.h"

#define CLI_CONFIG_MAX_FILE (64 * 1024) /* bytes of auth.json we accept to read */
#define CLI_CONFIG_PATH_MAX 4096
#define CLI_CONFIG_ERR_LEN  512
#define CLI_CONFIG_DIR      "paasport"
#define CLI_CONFIG_FILE     "auth.json"

struct cli_auth {
	char *api_url;
	char *token;    /* "tk-us-..." */
	char *token_id; /* "tk-..." when this CLI created the token, else NULL */
	char *user_id, *username, *email;
	int loose_mode; /* set by load: the file is readable by group or others */
};

/* Frees the strings (the token is wiped first) and zeroes a. Accepts NULL. */
void cli_config_auth_free(struct cli_auth *a);

/* Appends the auth file's path to out. */
int cli_config_path(struct buf *out);

/*
 * Reads the auth file into a (zeroed by the call). PP_ENOTFOUND when there
 * is none; PP_EINVAL (message in err) when it is unreadable or malformed.
 */
int cli_config_load(struct cli_auth *a, char err[CLI_CONFIG_ERR_LEN]);

/* Writes a atomically (temporary file + rename), creating the directories. */
int cli_config_save(const struct cli_auth *a, char err[CLI_CONFIG_ERR_LEN]);

/* Deletes the auth file: 0, PP_ENOTFOUND when there was none, or PP_EIO. */
int cli_config_remove(char err[CLI_CONFIG_ERR_LEN]);

#endif
