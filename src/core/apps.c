/* apps.c - app names, container sizes, scale validation, git repositories, and
 * the app use cases (see apps.h). */
#include "core/apps.h"
#include "core/events.h"
#include "crypto/rand.h"
#include "util/err.h"
#include "util/fs.h"
#include "util/jx.h"
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* s is 8-4-4-4-12 lowercase hex digits (the shape rand_id() writes after its prefix) */
static int is_uuid(const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
			return 0;
		}
	}
	return i == 36;
}

int apps_is_id(const char *s)
{
	return strncmp(s, "ap-", 3) == 0 && is_uuid(s + 3);
}

/* s has the form of any id rand_id() makes: a prefix of 1 to 8 letters or
 * digits, '-', a UUID (so no name can pass for an app id, nor for another id) */
static int looks_like_id(const char *s)
{
	const char *dash = strchr(s, '-');
	return dash && dash > s && dash - s <= 8 && is_uuid(dash + 1);
}

int apps_load(const struct core_ctx *cx, const char *name_or_id, const char *user_id,
              struct app_rec *a)
{
	/* by id only when the parameter has the id form, by name otherwise: a
	 * name can never have the id form (apps_valid_name), so one parameter
	 * can never match two apps */
	if (apps_is_id(name_or_id))
		return store_app_for_user(cx->db, name_or_id, user_id, a);
	return store_app_for_user_by_name(cx->db, name_or_id, user_id, a);
}

const struct container_size apps_sizes[] = {
        {"S", "Small", 0, 256LL << 20, 1},        {"M", "Medium", 1, 512LL << 20, 2},
        {"L", "Large", 2, 1024LL << 20, 4},       {"XL", "X-Large", 3, 2048LL << 20, 8},
        {"2XL", "2X-Large", 4, 4096LL << 20, 16}, {"3XL", "3X-Large", 5, 8192LL << 20, 32},
};
const size_t apps_sizes_count = sizeof apps_sizes / sizeof apps_sizes[0];

const struct container_size *apps_size(const char *name)
{
	for (size_t i = 0; i < apps_sizes_count; i++)
		if (strcmp(apps_sizes[i].name, name) == 0)
			return &apps_sizes[i];
	return NULL;
}

const char *apps_valid_name(const char *name)
{
	size_t n = strlen(name);
	if (n < APP_NAME_MIN || n > APP_NAME_MAX)
		return "must be 6 to 48 characters long";
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return "should contain only lowercase letters, digits and hyphens";
	}
	if (name[0] == '-' || name[n - 1] == '-')
		return "must not start or end with a hyphen";
	if (strstr(name, "--"))
		return "must not contain two hyphens in a row";
	if (looks_like_id(name))
		return "must not have the form of an app id";
	/* names that are also API paths under /v1/apps/ */
	static const char *const reserved[] = {"collaboration", "collaborators"};
	for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
		if (strcmp(name, reserved[i]) == 0)
			return "is reserved";
	return NULL;
}

const char *apps_valid_type(const char *t)
{
	size_t n = strlen(t);
	if (n < 1 || n > PROC_TYPE_MAX)
		return "container type names are 1 to 32 characters";
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      (i > 0 && (c == '-' || c == '_'))))
			return "container type names use lowercase letters, digits, '-' and '_'";
	}
	return NULL;
}

int apps_apply_scale(json_t *body, const struct formation_rec *cur, int ncur,
                     struct formation_rec *out, int *nout, int *changed, int *scales_up,
                     json_t *errors, int *bad_request)
{
	json_t *arr = json_object_get(body, "containers");
	*bad_request = 0;
	*changed = 0;
	*scales_up = 0;
	if (!json_is_array(arr)) {
		*bad_request = 1;
		return PP_EINVAL;
	}
	memcpy(out, cur, sizeof *out * (size_t)ncur);
	*nout = ncur;
	if (json_array_size(arr) == 0) {
		jx_error_add(errors, "containers", "can't be empty");
		return PP_EINVAL;
	}
	size_t i;
	json_t *item;
	json_array_foreach (arr, i, item) {
		json_t *jn = json_object_get(item, "name"), *ja = json_object_get(item, "amount"),
		       *js = json_object_get(item, "size");
		if (!json_is_object(item) || !json_is_string(jn) || !json_is_integer(ja) ||
		    (js && !json_is_null(js) && !json_is_string(js))) {
			*bad_request = 1;
			return PP_EINVAL;
		}
		const char *name = json_string_value(jn), *m;
		json_int_t amount = json_integer_value(ja);
		const char *size = json_is_string(js) ? json_string_value(js) : NULL;
		char field[64];
		snprintf(field, sizeof field, "containers.%.32s", name);
		if ((m = apps_valid_type(name))) {
			jx_error_add(errors, "containers", m);
			continue;
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(json_string_value(
			                   json_object_get(json_array_get(arr, k), "name")),
			           name) == 0) {
				jx_error_add(errors, field, "is given twice");
				break;
			}
		if (amount < 0 || amount > CONTAINERS_PER_TYPE_MAX) {
			jx_error_add(errors, field, "amount must be from 0 to 10");
			continue;
		}
		if (size && !apps_size(size)) {
			jx_error_add(errors, field, "size must be one of S, M, L, XL, 2XL, 3XL");
			continue;
		}
		int k;
		for (k = 0; k < *nout; k++)
			if (strcmp(out[k].type, name) == 0)
				break;
		if (k == *nout) {
			if (*nout >= FORMATION_TYPES_MAX) {
				jx_error_add(errors, field, "too many container types (16)");
				continue;
			}
			memset(&out[k], 0, sizeof out[k]);
			snprintf(out[k].type, sizeof out[k].type, "%s", name);
			snprintf(out[k].size, sizeof out[k].size, "%s", APPS_DEFAULT_SIZE);
			(*nout)++;
		}
		const struct container_size *before = apps_size(out[k].size);
		int before_amount = out[k].amount;
		if (size)
			snprintf(out[k].size, sizeof out[k].size, "%s", size);
		out[k].amount = (int)amount;
		const struct container_size *after = apps_size(out[k].size);
		if ((int64_t)out[k].amount * after->hourly_cents >
		    (int64_t)before_amount * (before ? before->hourly_cents : 0))
			*scales_up = 1;
	}
	if (json_object_size(errors))
		return PP_EINVAL;
	for (int k = 0; k < *nout; k++) {
		int found = 0;
		for (int c = 0; c < ncur; c++)
			if (strcmp(cur[c].type, out[k].type) == 0) {
				found = 1;
				if (cur[c].amount != out[k].amount ||
				    strcmp(cur[c].size, out[k].size) != 0)
					(*changed)++;
			}
		if (!found)
			(*changed)++;
	}
	return 0;
}

int apps_repo_path(const char *root, const char *app_id, char *out, size_t cap)
{
	/* ids are made by rand_id(): letters, digits and '-' only */
	for (const char *p = app_id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return PP_EINVAL;
	int n = snprintf(out, cap, "%s/%s.git", root, app_id);
	return (n < 0 || (size_t)n >= cap) ? PP_ETOOBIG : 0;
}

int apps_repo_create(const char *root, const char *app_id)
{
	char path[1024];
	int rc = apps_repo_path(root, app_id, path, sizeof path);
	if (rc)
		return rc;
	if ((rc = fs_mkdir_p(root, 0755)) != 0) {
		log_error("cannot create the repository root %s", root);
		return rc;
	}
	char *const argv[] = {"git", "init", "--quiet", "--bare", path, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int err = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err != 0) {
		log_error("cannot run git: %s", strerror(err));
		return PP_EIO;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return PP_EIO;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_error("git init --bare %s failed", path);
		return PP_EIO;
	}
	return 0;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

int apps_repo_remove(const char *root, const char *app_id)
{
	char path[1024];
	int rc = apps_repo_path(root, app_id, path, sizeof path);
	if (rc)
		return rc;
	struct stat sb;
	if (lstat(path, &sb) != 0)
		return 0; /* already gone */
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : PP_EIO;
}

/* ---- use cases ---- */

static int fail(struct apps_err *e, int rc, const char *field, const char *msg)
{
	e->field = field;
	e->msg = msg;
	return rc;
}

/* PP_EFORBIDDEN with the quota message when owner_id owns the limit already;
 * in_tx: inside the write transaction that then inserts (takes the owner's lock) */
static int check_quota(const struct core_ctx *cx, const char *owner_id, struct apps_err *e,
                       int in_tx)
{
	int max = cx->app->cfg->max_apps_per_account, n = 0;
	char lock[ID_MAX + 16];
	/* one count-then-insert at a time per owner, across nodes */
	snprintf(lock, sizeof lock, "app-quota:%s", owner_id);
	int rc = in_tx ? store_tx_lock(cx->db, lock) : 0;
	if (rc == 0)
		rc = store_app_count_owned(cx->db, owner_id, &n);
	if (rc)
		return rc;
	if (n < max)
		return 0;
	snprintf(e->text, sizeof e->text,
	         "you have reached the limit of %d apps per account: delete one to create another",
	         max);
	e->code = "app_quota";
	return fail(e, PP_EFORBIDDEN, NULL, e->text);
}

int apps_create(const struct core_ctx *cx, const char *owner_id, const char *name,
                struct app_rec *a, struct apps_err *e)
{
	const char *root = cx->app->cfg->repo_root, *m;
	struct formation_rec f;
	int rc, in_tx = 0;

	if (!name || !*name)
		return fail(e, PP_EINVAL, "name", "can't be blank");
	if ((m = apps_valid_name(name)))
		return fail(e, PP_EINVAL, "name", m);
	/* a cheap early refusal, before any git init; the check that counts is
	 * the one inside the write transaction below */
	if ((rc = check_quota(cx, owner_id, e, 0)) != 0)
		return rc;
	memset(a, 0, sizeof *a);
	rand_id("ap", a->id);
	snprintf(a->name, sizeof a->name, "%s", name);
	snprintf(a->owner_id, sizeof a->owner_id, "%s", owner_id);
	snprintf(a->status, sizeof a->status, "new");
	a->created_at = a->updated_at = cx->now;
	a->role = ROLE_OWNER;
	memset(&f, 0, sizeof f);
	snprintf(f.type, sizeof f.type, APPS_DEFAULT_TYPE);
	snprintf(f.size, sizeof f.size, APPS_DEFAULT_SIZE);
	f.amount = 1;
	/* the repository first, outside the write transaction (git init must not
	 * hold the database's write lock); it is removed below if the app is not
	 * made, so the app exists only with its repository and no repository
	 * without its app */
	if ((rc = apps_repo_create(root, a->id)) != 0) {
		apps_repo_remove(root, a->id);
		return rc;
	}
	/* the quota counted under the write lock: concurrent creations are
	 * serialised, so no more than the limit can pass; a taken name is the
	 * unique constraint's PP_ECONFLICT, never a read before */
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) != 0)
		goto out;
	in_tx = 1;
	if ((rc = check_quota(cx, owner_id, e, 1)) || (rc = store_app_insert(cx->db, a)) ||
	    (rc = store_formation_set(cx->db, a->id, a->owner_id, &f, a->created_at)) ||
	    (rc = events_add(cx->db, cx->now, "new_app", owner_id, a->id, a->name, NULL)))
		goto out;
	rc = store_tx_commit(cx->db);
	in_tx = 0;
out:
	if (rc) {
		if (in_tx)
			store_tx_rollback(cx->db);
		apps_repo_remove(root, a->id);
		return rc == PP_ECONFLICT ? fail(e, PP_EINVAL, "name", "is already taken") : rc;
	}
	/* best effort: the owner's name and email for the answer (the app is made) */
	store_app_for_user(cx->db, a->id, owner_id, a);
	return 0;
}

int apps_list(const struct core_ctx *cx, const char *user_id,
              void (*cb)(const struct app_rec *, void *), void *arg)
{
	return store_app_list_for_user(cx->db, user_id, cb, arg);
}

int apps_delete(const struct core_ctx *cx, const char *user_id, const struct app_rec *a,
                const char *current_name, struct apps_err *e)
{
	struct formation_rec f[FORMATION_TYPES_MAX];
	int n, rc;

	if (!current_name || strcmp(current_name, a->name) != 0)
		return fail(e, PP_EINVAL, "current_name", "must be given and match the app name");
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) != 0)
		goto out;
	/* the formation drops to zero: billing stops counting at this second */
	if ((rc = store_formation_get(cx->db, a->id, f, FORMATION_TYPES_MAX, &n)) != 0)
		goto out;
	for (int i = 0; i < n; i++) {
		if (f[i].amount == 0)
			continue;
		f[i].amount = 0;
		if ((rc = store_formation_set(cx->db, a->id, a->owner_id, &f[i], cx->now)) != 0)
			goto out;
	}
	if ((rc = store_collab_delete_app(cx->db, a->id)) ||
	    (rc = store_app_delete(cx->db, a->id, cx->now)) ||
	    (rc = events_add(cx->db, cx->now, "delete_app", user_id, a->id, a->name, NULL)) ||
	    (rc = store_tx_commit(cx->db)))
		goto out;
	if (apps_repo_remove(cx->app->cfg->repo_root, a->id) != 0)
		log_error("app %s deleted but its repository could not be removed", a->id);
out:
	if (rc)
		store_tx_rollback(cx->db);
	return rc;
}

int apps_containers(const struct core_ctx *cx, const struct app_rec *a, struct formation_rec *f,
                    int *n)
{
	return store_formation_get(cx->db, a->id, f, FORMATION_TYPES_MAX, n);
}

int apps_scale(const struct core_ctx *cx, const char *user_id, const struct app_rec *a,
               json_t *body, struct formation_rec *next, int *nnext, json_t *errors,
               struct apps_err *e)
{
	struct formation_rec cur[FORMATION_TYPES_MAX];
	int ncur, changed, up, bad, rc;

	e->field = e->msg = NULL;
	if ((rc = store_tx_begin(cx->db, STORE_TX_WRITE)) != 0 ||
	    (rc = store_formation_get(cx->db, a->id, cur, FORMATION_TYPES_MAX, &ncur)) != 0)
		goto out;
	if ((rc = apps_apply_scale(body, cur, ncur, next, nnext, &changed, &up, errors, &bad))) {
		if (bad)
			fail(e, rc, NULL,
			     "containers must be an array of {\"name\": string, "
			     "\"amount\": integer, \"size\": string}");
		goto out;
	}
	if (up && a->owner_suspended_at) {
		rc = fail(e, PP_EPAYMENT, NULL,
		          "the owner's account is suspended: pay the open invoice to scale up");
		goto out;
	}
	for (int i = 0; i < *nnext && changed; i++) {
		int same = 0;
		for (int k = 0; k < ncur; k++)
			if (!strcmp(cur[k].type, next[i].type))
				same = cur[k].amount == next[i].amount &&
				       !strcmp(cur[k].size, next[i].size);
		if (!same &&
		    (rc = store_formation_set(cx->db, a->id, a->owner_id, &next[i], cx->now)) != 0)
			goto out;
	}
	if (changed && ((rc = events_add(cx->db, cx->now, "scale", user_id, a->id, a->name,
	                                 events_data_scale(cur, ncur, next, *nnext))) ||
	                (rc = store_app_touch(cx->db, a->id, a->status, cx->now))))
		goto out;
	rc = store_tx_commit(cx->db);
out:
	if (rc)
		store_tx_rollback(cx->db);
	return rc;
}

int apps_restart(const struct core_ctx *cx, const char *user_id, const struct app_rec *a,
                 json_t *scope, struct apps_err *e)
{
	static const char shape[] = "scope must be an array of container type names";
	struct formation_rec f[FORMATION_TYPES_MAX];
	int n, rc;
	size_t i;
	json_t *v;

	if (scope && !json_is_null(scope) && !json_is_array(scope))
		return fail(e, PP_EINVAL, NULL, shape);
	if ((rc = store_formation_get(cx->db, a->id, f, FORMATION_TYPES_MAX, &n)) != 0)
		return rc;
	json_array_foreach (scope, i, v) {
		int found = 0;
		if (!json_is_string(v))
			return fail(e, PP_EINVAL, NULL, shape);
		for (int k = 0; k < n; k++)
			found |= strcmp(f[k].type, json_string_value(v)) == 0;
		if (!found)
			return fail(e, PP_EINVAL, "scope",
			            "names a container type the app does not have");
	}
	return events_add(cx->db, cx->now, "restart", user_id, a->id, a->name,
	                  events_data_restart(scope));
}
