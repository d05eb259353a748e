/*
 * cli_config.c - the auth file (see cli_config.h): locate it per the XDG base
 * directory rules, read it with a size cap, write it 0600 atomically.
 */
#include "cli/cli_config.h"
#include "util/err.h"
#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void free_str(char **s)
{
	free(*s);
	*s = NULL;
}

void cli_config_auth_free(struct cli_auth *a)
{
	if (!a)
		return;
	if (a->token)
		sodium_memzero(a->token, strlen(a->token));
	free_str(&a->api_url);
	free_str(&a->token);
	free_str(&a->token_id);
	free_str(&a->user_id);
	free_str(&a->username);
	free_str(&a->email);
	a->loose_mode = 0;
}

/* The base directory: $XDG_CONFIG_HOME when absolute, else ~/.config. */
static int config_home(struct buf *out)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && xdg[0] == '/')
		return buf_appendz(out, xdg);
	const char *home = getenv("HOME");
	if (!home || home[0] != '/') {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (!home || home[0] != '/')
		return PP_ENOTFOUND;
	return buf_appendf(out, "%s/.config", home);
}

static int config_dir(struct buf *out)
{
	int rc = config_home(out);
	return rc ? rc : buf_appendz(out, "/" CLI_CONFIG_DIR);
}

int cli_config_path(struct buf *out)
{
	int rc = config_dir(out);
	return rc ? rc : buf_appendz(out, "/" CLI_CONFIG_FILE);
}

static int dup_field(json_t *o, const char *key, char **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return PP_EINVAL;
	return (*out = strdup(json_string_value(v))) ? 0 : PP_ENOMEM;
}

int cli_config_load(struct cli_auth *a, char err[CLI_CONFIG_ERR_LEN])
{
	struct buf path, text;
	json_t *root = NULL;
	int fd = -1, rc;
	struct stat st;
	char chunk[4096];

	memset(a, 0, sizeof *a);
	err[0] = 0;
	buf_init(&path, CLI_CONFIG_PATH_MAX);
	buf_init(&text, CLI_CONFIG_MAX_FILE);
	if ((rc = cli_config_path(&path)) != 0) {
		snprintf(err, CLI_CONFIG_ERR_LEN, "cannot locate the configuration directory");
		goto out;
	}
	fd = open(path.data, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		rc = errno == ENOENT ? PP_ENOTFOUND : PP_EINVAL;
		snprintf(err, CLI_CONFIG_ERR_LEN, "%s: %s", path.data, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = PP_EINVAL;
		snprintf(err, CLI_CONFIG_ERR_LEN, "%s: not a regular file", path.data);
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = PP_EINVAL;
			snprintf(err, CLI_CONFIG_ERR_LEN, "%s: %s", path.data, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if ((rc = buf_append(&text, chunk, (size_t)n)) != 0) {
			rc = PP_EINVAL;
			snprintf(err, CLI_CONFIG_ERR_LEN, "%s: larger than %d bytes", path.data,
			         CLI_CONFIG_MAX_FILE);
			goto out;
		}
	}
	root = json_loadb(text.data ? text.data : "", text.len, JSON_REJECT_DUPLICATES, NULL);
	json_t *user = json_object_get(root, "user");
	if (!json_is_object(root) || (user && !json_is_object(user)) ||
	    dup_field(root, "api_url", &a->api_url) || dup_field(root, "token", &a->token) ||
	    dup_field(root, "token_id", &a->token_id) || dup_field(user, "id", &a->user_id) ||
	    dup_field(user, "username", &a->username) || dup_field(user, "email", &a->email) ||
	    !a->token || !a->token[0]) {
		rc = PP_EINVAL;
		snprintf(err, CLI_CONFIG_ERR_LEN, "%s: malformed, run `paasport login` again",
		         path.data);
		goto out;
	}
	a->loose_mode = (st.st_mode & 077) != 0;
	rc = 0;
out:
	if (rc)
		cli_config_auth_free(a);
	if (fd >= 0)
		close(fd);
	json_decref(root);
	if (text.data)
		sodium_memzero(text.data, text.len);
	buf_release(&text);
	buf_release(&path);
	return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return PP_EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static json_t *auth_json(const struct cli_auth *a)
{
	json_t *user = json_object(), *root = json_object();
	if (!user || !root)
		goto fail;
	if (json_object_set_new(root, "api_url", json_string(a->api_url ? a->api_url : "")) ||
	    json_object_set_new(root, "token", json_string(a->token ? a->token : "")))
		goto fail;
	if (a->token_id && json_object_set_new(root, "token_id", json_string(a->token_id)))
		goto fail;
	if (json_object_set_new(user, "id", a->user_id ? json_string(a->user_id) : json_null()) ||
	    json_object_set_new(user, "username",
	                        a->username ? json_string(a->username) : json_null()) ||
	    json_object_set_new(user, "email", a->email ? json_string(a->email) : json_null()))
		goto fail;
	if (json_object_set_new(root, "user", user))
		goto fail_root;
	return root;
fail:
	json_decref(user);
fail_root:
	json_decref(root);
	return NULL;
}

int cli_config_save(const struct cli_auth *a, char err[CLI_CONFIG_ERR_LEN])
{
	struct buf dir, path, tmp;
	json_t *root = NULL;
	char *text = NULL;
	int fd = -1, created = 0, rc;
	struct stat st;

	err[0] = 0;
	buf_init(&dir, CLI_CONFIG_PATH_MAX);
	buf_init(&path, CLI_CONFIG_PATH_MAX);
	buf_init(&tmp, CLI_CONFIG_PATH_MAX);
	if ((rc = config_dir(&dir)) != 0 || (rc = buf_appendz(&path, dir.data)) != 0 ||
	    (rc = buf_appendz(&path, "/" CLI_CONFIG_FILE)) != 0 ||
	    (rc = buf_appendf(&tmp, "%s/." CLI_CONFIG_FILE ".XXXXXX", dir.data)) != 0) {
		snprintf(err, CLI_CONFIG_ERR_LEN, "cannot locate the configuration directory");
		goto out;
	}
	if ((rc = fs_mkdir_p(dir.data, 0700)) != 0) {
		snprintf(err, CLI_CONFIG_ERR_LEN, "cannot create %s: %s", dir.data,
		         strerror(errno));
		goto out;
	}
	/* our own directory: a real directory of ours, closed to others */
	if (lstat(dir.data, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    ((st.st_mode & 077) && chmod(dir.data, 0700) != 0)) {
		rc = PP_EIO;
		snprintf(err, CLI_CONFIG_ERR_LEN, "%s: not a private directory of this user",
		         dir.data);
		goto out;
	}
	if (!(root = auth_json(a)) || !(text = json_dumps(root, JSON_INDENT(2)))) {
		rc = PP_ENOMEM;
		goto out;
	}
	fd = mkstemp(tmp.data); /* creates the file with mode 0600 */
	if (fd < 0) {
		rc = PP_EIO;
		snprintf(err, CLI_CONFIG_ERR_LEN, "cannot create a file in %s: %s", dir.data,
		         strerror(errno));
		goto out;
	}
	created = 1;
	if (fchmod(fd, 0600) != 0 || write_all(fd, text, strlen(text)) != 0 ||
	    write_all(fd, "\n", 1) != 0 || fsync(fd) != 0) {
		rc = PP_EIO;
		snprintf(err, CLI_CONFIG_ERR_LEN, "cannot write %s: %s", tmp.data, strerror(errno));
		goto out;
	}
	int closed = close(fd);
	fd = -1;
	if (closed != 0 || rename(tmp.data, path.data) != 0) {
		rc = PP_EIO;
		snprintf(err, CLI_CONFIG_ERR_LEN, "cannot write %s: %s", path.data,
		         strerror(errno));
		goto out;
	}
	created = 0; /* renamed into place */
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (created)
		unlink(tmp.data);
	if (text) {
		sodium_memzero(text, strlen(text));
		free(text);
	}
	json_decref(root);
	buf_release(&tmp);
	buf_release(&path);
	buf_release(&dir);
	return rc;
}

int cli_config_remove(char err[CLI_CONFIG_ERR_LEN])
{
	struct buf path;
	int rc = 0;
	err[0] = 0;
	buf_init(&path, CLI_CONFIG_PATH_MAX);
	if ((rc = cli_config_path(&path)) != 0) {
		snprintf(err, CLI_CONFIG_ERR_LEN, "cannot locate the configuration directory");
		goto out;
	}
	if (unlink(path.data) != 0) {
		rc = errno == ENOENT ? PP_ENOTFOUND : PP_EIO;
		snprintf(err, CLI_CONFIG_ERR_LEN, "cannot delete %s: %s", path.data,
		         strerror(errno));
	}
out:
	buf_release(&path);
	return rc;
}
