/* config.c - defaults, PAASPORT_* environment variables and flags (see config.h). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void set_str(char *dst, const char *v)
{
	snprintf(dst, CONFIG_STR_MAX, "%s", v);
}

static int parse_int(const char *name, const char *v, int lo, int hi, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (*v == 0 || *end != 0 || n < lo || n > hi) {
		fprintf(stderr, "paasportd: %s must be an integer in [%d, %d], got '%s'\n", name,
		        lo, hi, v);
		return -1;
	}
	*out = (int)n;
	return 0;
}

struct opt {
	const char *flag; /* --flag */
	const char *env;  /* PAASPORT_X */
	char *s;          /* string target, or */
	int *i;           /* integer target */
	int lo, hi;
	const char *help;
};

static int apply(const struct opt *o, const char *v)
{
	if (o->s) {
		if (strlen(v) >= CONFIG_STR_MAX) {
			fprintf(stderr, "paasportd: %s is too long\n", o->env);
			return -1;
		}
		set_str(o->s, v);
		return 0;
	}
	return parse_int(o->env, v, o->lo, o->hi, o->i);
}

int config_load(struct config *c, int argc, char **argv)
{
	memset(c, 0, sizeof *c);
	set_str(c->listen, "127.0.0.1:8080");
	set_str(c->database, "var/paasport.db");
	set_str(c->smtp_from, "paasport <no-reply@paasport.localhost>");
	set_str(c->web_dir, "web");
	set_str(c->repo_root, "var/repos");
	set_str(c->git_user, "git");
	c->conn_limit = 1024;
	c->per_ip_conn_limit = 256;
	c->conn_timeout_s = 30;
	c->login_ip_per_min = 30;
	c->login_account_per_min = 10;
	c->pwhash_ops = 2;         /* ASVS 5.0 appendix C: t=2 needs m >= 19 MiB */
	c->pwhash_mem_kib = 19456; /* 19 MiB */
	c->access_log = 1;
	c->mail_retry_base_s = 30;
	c->max_apps_per_account = 50;

	const struct opt opts[] = {
	        {"listen", "PAASPORT_LISTEN", c->listen, NULL, 0, 0, "host:port to listen on"},
	        {"database", "PAASPORT_DATABASE", c->database, NULL, 0, 0, "SQLite file"},
	        {"public-url", "PAASPORT_PUBLIC_URL", c->public_url, NULL, 0, 0, "URL in mails"},
	        {"smtp-url", "PAASPORT_SMTP_URL", c->smtp_url, NULL, 0, 0, "smtp://host:port"},
	        {"smtp-from", "PAASPORT_SMTP_FROM", c->smtp_from, NULL, 0, 0, "From: of mails"},
	        {"web-dir", "PAASPORT_WEB_DIR", c->web_dir, NULL, 0, 0, "dashboard files"},
	        {"repo-root", "PAASPORT_REPO_ROOT", c->repo_root, NULL, 0, 0, "git repositories"},
	        {"ssh-host", "PAASPORT_SSH_HOST", c->ssh_host, NULL, 0, 0, "host in git_url"},
	        {"git-user", "PAASPORT_GIT_USER", c->git_user, NULL, 0, 0,
	         "sshd user of git pushes, in git_url"},
	        {"metrics-token", "PAASPORT_METRICS_TOKEN", c->metrics_token, NULL, 0, 0,
	         "bearer secret of /metrics (unset: no /metrics)"},
	        {"threads", "PAASPORT_THREADS", NULL, &c->threads, 0, CONFIG_THREADS_MAX,
	         "0 = 4 per core"},
	        {"max-connections", "PAASPORT_MAX_CONNECTIONS", NULL, &c->conn_limit, 1, 60000, ""},
	        {"max-connections-per-ip", "PAASPORT_MAX_CONNECTIONS_PER_IP", NULL,
	         &c->per_ip_conn_limit, 1, 60000, ""},
	        {"connection-timeout", "PAASPORT_CONNECTION_TIMEOUT", NULL, &c->conn_timeout_s, 1,
	         3600, "seconds"},
	        {"login-rate-per-ip", "PAASPORT_LOGIN_RATE_PER_IP", NULL, &c->login_ip_per_min, 1,
	         1000000, "per minute"},
	        {"login-rate-per-account", "PAASPORT_LOGIN_RATE_PER_ACCOUNT", NULL,
	         &c->login_account_per_min, 1, 1000000, "per minute"},
	        {"pwhash-opslimit", "PAASPORT_PWHASH_OPSLIMIT", NULL, &c->pwhash_ops, 1, 10, ""},
	        {"pwhash-memlimit-kib", "PAASPORT_PWHASH_MEMLIMIT_KIB", NULL, &c->pwhash_mem_kib, 8,
	         1048576, ""},
	        {"pwhash-concurrency", "PAASPORT_PWHASH_CONCURRENCY", NULL, &c->pwhash_concurrency,
	         0, 64, "0 = cores"},
	        {"access-log", "PAASPORT_ACCESS_LOG", NULL, &c->access_log, 0, 1,
	         "1 = log requests"},
	        {"mail-retry-base", "PAASPORT_MAIL_RETRY_BASE", NULL, &c->mail_retry_base_s, 1,
	         86400, "seconds"},
	        {"max-apps-per-account", "PAASPORT_MAX_APPS_PER_ACCOUNT", NULL,
	         &c->max_apps_per_account, 1, 1000000, "live apps an account may own"},
	        {"trusted-proxies", "PAASPORT_TRUSTED_PROXIES", c->trusted_proxies, NULL, 0, 0,
	         "addrs/CIDRs whose X-Forwarded-For is used"},
	        {"test-clock", "PAASPORT_TEST_CLOCK", NULL, &c->test_clock, 0, 1,
	         "1 = tests may move the clock (never in production)"},
	};
	const size_t nopts = sizeof opts / sizeof opts[0];

	for (size_t i = 0; i < nopts; i++) {
		const char *v = getenv(opts[i].env);
		if (v && apply(&opts[i], v) != 0)
			return -1;
	}
	for (int a = 1; a < argc; a++) {
		const char *arg = argv[a];
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
			goto usage;
		if (strncmp(arg, "--", 2) != 0)
			goto usage;
		const char *eq = strchr(arg, '=');
		size_t fl = eq ? (size_t)(eq - arg - 2) : strlen(arg) - 2;
		const struct opt *o = NULL;
		for (size_t i = 0; i < nopts; i++)
			if (strlen(opts[i].flag) == fl && strncmp(opts[i].flag, arg + 2, fl) == 0)
				o = &opts[i];
		if (!o)
			goto usage;
		const char *v = eq ? eq + 1 : (a + 1 < argc ? argv[++a] : NULL);
		if (!v || apply(o, v) != 0)
			goto usage;
	}

	const char *colon = strrchr(c->listen, ':');
	int port;
	if (!colon || (size_t)(colon - c->listen) >= sizeof c->host ||
	    parse_int("port", colon + 1, 0, 65535, &port) != 0) {
		fprintf(stderr, "paasportd: PAASPORT_LISTEN must be host:port\n");
		return -1;
	}
	memcpy(c->host, c->listen, (size_t)(colon - c->listen));
	c->host[colon - c->listen] = 0;
	c->port = (uint16_t)port;
	if (c->public_url[0] == 0)
		snprintf(c->public_url, CONFIG_STR_MAX, "http://%s", c->listen);
	size_t pl = strlen(c->public_url);
	if (pl > 0 && c->public_url[pl - 1] == '/')
		c->public_url[pl - 1] = 0;
	c->secure_cookies = strncmp(c->public_url, "https://", 8) == 0;
	if (c->ssh_host[0] == 0) {
		/* the host part of the public URL */
		const char *h = strstr(c->public_url, "://");
		h = h ? h + 3 : c->public_url;
		size_t n = strcspn(h, ":/");
		snprintf(c->ssh_host, CONFIG_STR_MAX, "%.*s", (int)n, h);
	}
	if (c->metrics_token[0] && strlen(c->metrics_token) < CONFIG_METRICS_TOKEN_MIN) {
		fprintf(stderr,
		        "paasportd: PAASPORT_METRICS_TOKEN must have at least %d characters\n",
		        CONFIG_METRICS_TOKEN_MIN);
		return -1;
	}
	const char *perr = NULL;
	if (netaddr_parse_cidr_list(c->trusted_proxies, &c->trusted, &perr) != 0) {
		fprintf(stderr, "paasportd: PAASPORT_TRUSTED_PROXIES: %s, got '%s'\n", perr,
		        c->trusted_proxies);
		return -1;
	}
	if (c->threads == 0) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		c->threads = (int)(cores > 0 ? cores : 1) * CONFIG_THREADS_PER_CORE;
		if (c->threads > CONFIG_THREADS_MAX)
			c->threads = CONFIG_THREADS_MAX;
	}
	return 0;
usage:
	fprintf(stderr, "usage: paasportd [--flag=value ...]\n");
	for (size_t i = 0; i < nopts; i++)
		fprintf(stderr, "  --%-26s %-34s %s\n", opts[i].flag, opts[i].env, opts[i].help);
	return -1;
}
