/*
 * paasportd.c - the server's main(): configuration, the store (migrations),
 * the services of struct app, the HTTP server and the mail sender; SIGTERM
 * or SIGINT drains in-flight requests and exits 0.
 */
#include "api/api.h"
#include "app.h"
#include "config.h"
#include "core/housekeeping.h"
#include "crypto/jwtcache.h"
#include "crypto/pw.h"
#include "crypto/totp.h"
#include "http/http.h"
#include "api/metrics.h"
#include "util/ratelimit.h"
#include "http/webfiles.h"
#include "mail/mailer.h"
#include "store/store.h"
#include "store/store_copy.h"
#include "util/err.h"
#include "util/log.h"

#include <curl/curl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORE_POOL_EXTRA  4 /* connections beyond one per HTTP thread (mailer, scrapes) */
#define STORE_CMD_ERR_MAX 2048

/* `paasportd store copy --from PATH.db --to postgresql://...`: 0 copied, 1 failed, 2 usage. */
static int store_cmd(int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	char err[STORE_CMD_ERR_MAX];
	if (argc < 2 || strcmp(argv[1], "copy") != 0)
		goto usage;
	for (int a = 2; a < argc; a++) {
		const char **dst = NULL;
		const char *arg = argv[a], *v = NULL;
		if (strncmp(arg, "--from", 6) == 0 && (arg[6] == 0 || arg[6] == '='))
			dst = &from;
		else if (strncmp(arg, "--to", 4) == 0 && (arg[4] == 0 || arg[4] == '='))
			dst = &to;
		else
			goto usage;
		v = strchr(arg, '=') ? strchr(arg, '=') + 1 : (a + 1 < argc ? argv[++a] : NULL);
		if (!v || !*v)
			goto usage;
		*dst = v;
	}
	if (!from || !to)
		goto usage;
	if (sodium_init() < 0)
		return 1;
	if (store_copy(from, to, stdout, err, sizeof err) != 0) {
		fprintf(stderr, "paasportd store copy: %s\n", err);
		return 1;
	}
	return 0;
usage:
	fprintf(stderr,
	        "usage: paasportd store copy --from PATH.db --to postgresql://USER@HOST:PORT/DB\n"
	        "  copies a SQLite store into an empty PostgreSQL database (stop paasportd "
	        "first)\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct app app;
	struct http_server *http = NULL;
	struct housekeeping *housekeeping = NULL;
	int rc = 1, sig;
	sigset_t set;

	if (argc > 1 && strcmp(argv[1], "store") == 0)
		return store_cmd(argc - 1, argv + 1);
	if (config_load(&cfg, argc, argv) != 0)
		return 2;
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "paasportd: cannot initialise libsodium/libcurl\n");
		return 1;
	}
	if (totp_global_init() != 0) {
		fprintf(stderr, "paasportd: cannot initialise liboath\n");
		return 1;
	}
	/* signals: SIGPIPE ignored (MHD installs no handler); TERM/INT waited for */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	memset(&app, 0, sizeof app);
	{
		unsigned char p[6];
		randombytes_buf(p, sizeof p);
		sodium_bin2hex(app.request_id_prefix, sizeof app.request_id_prefix, p, sizeof p);
	}
	app.cfg = &cfg;
	clock_init(&app.clock, cfg.test_clock);
	if (cfg.test_clock)
		log_json("warn",
		         "PAASPORT_TEST_CLOCK=1: tests may move the clock (never in production)",
		         NULL);
	app.routes = api_routes;
	app.nroutes = api_routes_count;
	int threads = cfg.threads; /* resolved by config_load */

	if (store_open(cfg.database, threads + STORE_POOL_EXTRA, &app.store) != 0)
		goto out;
	{
		struct store_conn *c = store_acquire(app.store);
		int src = store_server_secret(c, "jwt_hs256", app.jwt_key, sizeof app.jwt_key);
		store_release(app.store, c);
		if (src) {
			log_error("cannot read or create the JWT secret");
			goto out;
		}
	}
	if (metrics_new(app.routes, app.nroutes, &app.metrics) || rl_new(&app.rl) ||
	    pw_new((unsigned long long)cfg.pwhash_ops, (size_t)cfg.pwhash_mem_kib * 1024,
	           cfg.pwhash_concurrency, &app.pw) ||
	    webfiles_load(cfg.web_dir, &app.web) || jwtcache_new(&app.jwts))
		goto out;
	if (mailer_start(&app, &app.mailer) != 0 || housekeeping_start(&app, &housekeeping) != 0)
		goto out;
	if (http_start(&app, &http) != 0)
		goto out;
	char dbname[512];
	store_uri_redacted(cfg.database, dbname, sizeof dbname);
	log_json("info", "paasportd listening",
	         json_pack("{s:s, s:s, s:s, s:i, s:b}", "url", cfg.public_url, "listen", cfg.listen,
	                   "database", dbname, "threads", threads, "smtp", cfg.smtp_url[0] != 0));
	if (isatty(STDOUT_FILENO) || getenv("PAASPORT_PRINT_URL"))
		printf("paasportd is running: open http://%s/ (API at http://%s/v1)\n", cfg.listen,
		       cfg.listen);
	fflush(stdout);

	while (sigwait(&set, &sig) != 0)
		;
	log_info("signal %d: draining in-flight requests", sig);
	rc = 0;
out:
	http_stop(http);
	housekeeping_stop(housekeeping);
	mailer_stop(app.mailer);
	webfiles_free(app.web);
	jwtcache_free(app.jwts);
	pw_free(app.pw);
	rl_free(app.rl);
	metrics_free(app.metrics);
	store_close(app.store);
	sodium_memzero(app.jwt_key, sizeof app.jwt_key);
	curl_global_cleanup();
	if (rc == 0)
		log_info("paasportd stopped");
	return rc;
}
