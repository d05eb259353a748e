/* cli_keys.c - SSH keys of the account from the CLI (see cli_keys.h). */
#include "cli/cli_keys.h"
#include "cli/cli_http.h"
#include "util/buf.h"
#include "util/err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The server refuses more (16 KiB); a bit beyond it the file is not a key anyway. */
#define KEY_FILE_MAX (16 * 1024 + 1)

int cli_keys_list(struct cli_ctx *c)
{
	static const struct cli_col cols[] = {
	        {"NAME", "name", 0},
	        {"TYPE", "type", 0},
	        {"FINGERPRINT", "fingerprint", 0},
	        {"ADDED AT", "created_at", 1},
	        {"LAST USED AT", "last_used_at", 1},
	};
	struct cli_http_resp rs;
	int rc;

	cli_http_resp_init(&rs);
	if ((rc = cli_call(c, "GET", "/v1/keys", NULL, &rs)) != 0)
		goto out;
	if (c->json) {
		cli_print_raw(&rs);
		goto out;
	}
	json_t *keys = json_object_get(rs.json, "keys");
	if (json_array_size(keys) == 0)
		printf("No SSH keys. Add one with `paasport keys-add NAME "
		       "~/.ssh/id_ed25519.pub`.\n");
	else if ((rc = cli_table(cols, sizeof cols / sizeof cols[0], keys)) != 0)
		cli_error("%s", pp_strerror(rc));
out:
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

/* The file's bytes (at most KEY_FILE_MAX) into text[*len]; "-" is stdin. */
static int read_key_file(const char *path, char *text, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		cli_error("cannot open %s: %s", path, strerror(errno));
		return PP_EIO;
	}
	*len = fread(text, 1, KEY_FILE_MAX, f);
	int bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (bad) {
		cli_error("cannot read %s", path);
		return PP_EIO;
	}
	text[*len] = 0;
	if (memchr(text, 0, *len)) {
		cli_error("%s is not a public key file (it holds NUL bytes)", path);
		return PP_EINVAL;
	}
	return 0;
}

int cli_keys_add(struct cli_ctx *c)
{
	static char text[KEY_FILE_MAX + 1];
	struct cli_http_resp rs;
	json_t *body = NULL;
	size_t len = 0;
	int rc;

	cli_http_resp_init(&rs);
	if ((rc = read_key_file(c->argv[1], text, &len)) != 0)
		goto out;
	/* the server says what is wrong with the content (private key, format...) */
	if (!(body = json_pack("{s:{s:s, s:s%}}", "key", "name", c->argv[0], "content", text,
	                       len))) {
		rc = PP_EINVAL;
		cli_error("%s is not text (UTF-8): is it a public key file?", c->argv[1]);
		goto out;
	}
	if ((rc = cli_call(c, "POST", "/v1/keys", body, &rs)) != 0)
		goto out;
	if (c->json) {
		cli_print_raw(&rs);
		goto out;
	}
	json_t *k = json_object_get(rs.json, "key");
	cli_step("Added SSH key '%s' (%s).", json_string_value(json_object_get(k, "name")),
	         json_string_value(json_object_get(k, "fingerprint")));
	printf("       Push to an app with the git URL that `paasport apps` shows.\n");
out:
	json_decref(body);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}

int cli_keys_remove(struct cli_ctx *c)
{
	struct cli_http_resp rs;
	struct buf path;
	const char *id = NULL;
	int rc;

	cli_http_resp_init(&rs);
	buf_init(&path, CLI_PATH_MAX);
	if ((rc = cli_call(c, "GET", "/v1/keys", NULL, &rs)) != 0)
		goto out;
	size_t i;
	json_t *k;
	json_array_foreach (json_object_get(rs.json, "keys"), i, k) {
		const char *name = json_string_value(json_object_get(k, "name"));
		if (name && strcmp(name, c->argv[0]) == 0)
			id = json_string_value(json_object_get(k, "id"));
	}
	if (!id) {
		cli_error("you have no SSH key named '%s' (see `paasport keys`)", c->argv[0]);
		rc = PP_ENOTFOUND;
		goto out;
	}
	if ((rc = cli_path1(&path, "/v1/keys/", id, "")) != 0) {
		cli_error("the key ID is too long");
		goto out;
	}
	struct cli_http_resp del;
	cli_http_resp_init(&del);
	rc = cli_call(c, "DELETE", path.data, NULL, &del);
	cli_http_resp_free(&del);
	if (rc == 0)
		cli_step("SSH key '%s' removed.", c->argv[0]);
out:
	buf_release(&path);
	cli_http_resp_free(&rs);
	return cli_exit_status(rc);
}
