/* webfiles.c - in-memory static files for the dashboard (see webfiles.h). */
#include "http/webfiles.h"
#include "http/http.h"
#include "api/req.h"
#include "util/err.h"
#include "util/log.h"

#include <dirent.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct webfile {
	char path[256]; /* "/index.html", "/js/app.js" */
	const char *type;
	char *data;
	size_t len;
};

struct webfiles {
	int n;
	struct webfile f[WEBFILES_MAX];
};

static const char *content_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot)
		return "application/octet-stream";
	if (!strcmp(dot, ".html"))
		return "text/html; charset=utf-8";
	if (!strcmp(dot, ".js") || !strcmp(dot, ".mjs"))
		return "text/javascript; charset=utf-8";
	if (!strcmp(dot, ".css"))
		return "text/css; charset=utf-8";
	if (!strcmp(dot, ".svg"))
		return "image/svg+xml";
	if (!strcmp(dot, ".png"))
		return "image/png";
	if (!strcmp(dot, ".ico"))
		return "image/x-icon";
	return "application/octet-stream";
}

static int load_file(struct webfiles *w, const char *fs_path, const char *url_path)
{
	if (w->n >= WEBFILES_MAX)
		return PP_ETOOBIG;
	FILE *fp = fopen(fs_path, "rb");
	if (!fp)
		return PP_EIO;
	struct webfile *f = &w->f[w->n];
	int rc = PP_EIO;
	struct stat sb;
	if (fstat(fileno(fp), &sb) != 0 || sb.st_size > WEBFILES_FILE_MAX)
		goto out;
	f->len = (size_t)sb.st_size;
	f->data = malloc(f->len + 1);
	if (!f->data) {
		rc = PP_ENOMEM;
		goto out;
	}
	if (fread(f->data, 1, f->len, fp) != f->len) {
		free(f->data);
		goto out;
	}
	snprintf(f->path, sizeof f->path, "%s", url_path);
	f->type = content_type(url_path);
	w->n++;
	rc = 0;
out:
	fclose(fp);
	return rc;
}

static int load_dir(struct webfiles *w, const char *dir, const char *prefix, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *de;
	int rc = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char fs[1024], url[512];
		snprintf(fs, sizeof fs, "%s/%s", dir, de->d_name);
		snprintf(url, sizeof url, "%s/%s", prefix, de->d_name);
		struct stat sb;
		if (stat(fs, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode) && depth < 2)
			rc = load_dir(w, fs, url, depth + 1);
		else if (S_ISREG(sb.st_mode))
			rc = load_file(w, fs, url);
	}
	closedir(d);
	return rc;
}

int webfiles_load(const char *dir, struct webfiles **out)
{
	struct webfiles *w = calloc(1, sizeof *w);
	if (!w)
		return PP_ENOMEM;
	int rc = load_dir(w, dir, "", 0);
	if (rc) {
		log_error("cannot load dashboard files from %s: %s", dir, pp_strerror(rc));
		webfiles_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

void webfiles_free(struct webfiles *w)
{
	if (!w)
		return;
	for (int i = 0; i < w->n; i++)
		free(w->f[i].data);
	free(w);
}

void webfiles_serve(struct webfiles *w, struct req *r)
{
	const char *p = strcmp(r->path, "/") == 0 ? "/index.html" : r->path;
	for (int i = 0; w && i < w->n; i++) {
		if (strcmp(w->f[i].path, p) != 0)
			continue;
		reply_raw(r, 200, w->f[i].type, w->f[i].data, w->f[i].len, 0);
		reply_header(r, "Content-Security-Policy", WEBFILES_CSP);
		reply_header(r, "Cache-Control", "no-cache");
		return;
	}
	reply_json(r, 404, json_pack("{s:s, s:s}", "resource", "file", "error", "not found"));
}
