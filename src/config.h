/*
 * config.h - paasportd configuration: defaults, then PAASPORT_* variables,
 * then command-line flags. Frozen after start-up (the only global state).
 * The README's configuration table lists every entry below.
 */
#ifndef PP_CONFIG_H
#define PP_CONFIG_H

#include <stdint.h>

#include "util/netaddr.h"

#define CONFIG_STR_MAX 512
/* HTTP worker threads by default: libmicrohttpd pins each connection to one
 * worker, so with one worker per core a few busy keep-alive connections can
 * queue behind each other on one core while another idles (bench/README.md) */
#define CONFIG_THREADS_PER_CORE 4
#define CONFIG_THREADS_MAX      256
/* the shortest PAASPORT_METRICS_TOKEN accepted */
#define CONFIG_METRICS_TOKEN_MIN 16

struct config {
	char listen[CONFIG_STR_MAX];     /* PAASPORT_LISTEN host:port */
	char database[CONFIG_STR_MAX];   /* PAASPORT_DATABASE sqlite path */
	char public_url[CONFIG_STR_MAX]; /* PAASPORT_PUBLIC_URL, for mailed links */
	char smtp_url[CONFIG_STR_MAX];   /* PAASPORT_SMTP_URL, empty = log mails */
	char smtp_from[CONFIG_STR_MAX];  /* PAASPORT_SMTP_FROM */
	char web_dir[CONFIG_STR_MAX];    /* PAASPORT_WEB_DIR, the dashboard files */
	char repo_root[CONFIG_STR_MAX];  /* PAASPORT_REPO_ROOT, the apps' bare git repositories */
	char ssh_host[CONFIG_STR_MAX];   /* PAASPORT_SSH_HOST, in git_url (default: public host) */
	char git_user[CONFIG_STR_MAX];   /* PAASPORT_GIT_USER, sshd's user of git pushes ("git") */
	char metrics_token[CONFIG_STR_MAX];   /* PAASPORT_METRICS_TOKEN, bearer secret of /metrics;
	                                       * empty = no /metrics (404) */
	int threads;                          /* PAASPORT_THREADS, 0 = 4 per core */
	int conn_limit;                       /* PAASPORT_MAX_CONNECTIONS */
	int per_ip_conn_limit;                /* PAASPORT_MAX_CONNECTIONS_PER_IP */
	int conn_timeout_s;                   /* PAASPORT_CONNECTION_TIMEOUT */
	int login_ip_per_min;                 /* PAASPORT_LOGIN_RATE_PER_IP (per minute) */
	int login_account_per_min;            /* PAASPORT_LOGIN_RATE_PER_ACCOUNT (per minute) */
	int pwhash_ops;                       /* PAASPORT_PWHASH_OPSLIMIT */
	int pwhash_mem_kib;                   /* PAASPORT_PWHASH_MEMLIMIT_KIB */
	int pwhash_concurrency;               /* PAASPORT_PWHASH_CONCURRENCY, 0 = cores */
	int access_log;                       /* PAASPORT_ACCESS_LOG 1/0 */
	int mail_retry_base_s;                /* PAASPORT_MAIL_RETRY_BASE, back-off base */
	int max_apps_per_account;             /* PAASPORT_MAX_APPS_PER_ACCOUNT, live owned apps */
	int test_clock;                       /* PAASPORT_TEST_CLOCK 1: tests may move the clock */
	char trusted_proxies[CONFIG_STR_MAX]; /* PAASPORT_TRUSTED_PROXIES addrs/CIDRs, "" = none */
	/* derived */
	char host[256];
	uint16_t port;
	int secure_cookies;          /* public_url is https */
	struct netaddr_list trusted; /* trusted_proxies, parsed: X-Forwarded-For from these */
};

/* Fills c from the environment and argv. Returns 0, or prints usage and returns -1. */
int config_load(struct config *c, int argc, char **argv);

#endif
