/* mailer.c - the outbox sender thread, SMTP through libcurl (see mailer.h). */
#include "mail/mailer.h"
#include "util/clock.h"
#include "app.h"
#include "store/store_events.h"
#include "crypto/rand.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"
#include "util/timeutil.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAILER_IDLE_POLL_MS 2000                   /* wakes this often even without mailer_wake() */
#define MAILER_NEVER        INT64_C(4102444800000) /* 2100-01-01: parked */
#define MAILER_LOGGED       "logged: no SMTP server configured"
#define MAILER_INSECURE     "smtp+insecure://" /* plain SMTP to a local relay, said explicitly */
/* The body of a mail only logged (its content dropped) that goes out once a server is set. */
#define MAILER_LOGGED_BODY                                                                         \
	"This message was written to the server log while no mail server was configured;\r\n"      \
	"its content was not kept. If you still need it, please ask for it again.\r\n"

struct mailer {
	struct app *app;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	int woken;
};

int mailer_enqueue(struct store_conn *c, int64_t now, const char *to, const char *subject,
                   const char *body)
{
	return store_mail_enqueue(c, to, subject, body, now);
}

void mailer_wake(struct mailer *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->mu);
	m->woken = 1;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->mu);
}

struct payload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct payload *pl = arg;
	size_t n = size * nmemb;
	if (n > pl->left)
		n = pl->left;
	memcpy(dst, pl->p, n);
	pl->p += n;
	pl->left -= n;
	return n;
}

/* The address inside "Name <addr>", or the whole string. */
static void addr_of(const char *from, char *out, size_t cap)
{
	const char *lt = strchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt)
		snprintf(out, cap, "<%.*s>", (int)(gt - lt - 1), lt + 1);
	else
		snprintf(out, cap, "<%s>", from);
}

/* Header values never carry CR or LF (no header injection). */
static void clean_header(char *s)
{
	for (; *s; s++)
		if (*s == '\r' || *s == '\n')
			*s = ' ';
}

static int build_message(const struct config *cfg, const struct mail_rec *m, struct buf *out)
{
	char date[64], id[RAND_ID_LEN], subject[512], to[sizeof m->to_addr];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	rand_id("msg", id);
	snprintf(subject, sizeof subject, "%s", m->subject);
	snprintf(to, sizeof to, "%s", m->to_addr);
	clean_header(subject);
	clean_header(to);
	return buf_appendf(out,
	                   "Date: %s\r\nFrom: %s\r\nTo: <%s>\r\nSubject: %s\r\nMessage-ID: "
	                   "<%s@paasport>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; "
	                   "charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s",
	                   date, cfg->smtp_from, to, subject, id + 4,
	                   m->body[0] ? m->body : MAILER_LOGGED_BODY);
}

/* The URL for curl and the TLS it requires: smtp:// requires STARTTLS (a server
 * that does not offer it gets nothing: no stripping), smtps:// is TLS from the
 * start, smtp+insecure:// is plain smtp:// without STARTTLS (a local relay). */
static long smtp_tls(const char *url, char *out, size_t cap)
{
	size_t n = strlen(MAILER_INSECURE);
	if (strncasecmp(url, MAILER_INSECURE, n) == 0) {
		snprintf(out, cap, "smtp://%s", url + n);
		return (long)CURLUSESSL_NONE;
	}
	snprintf(out, cap, "%s", url);
	return (long)CURLUSESSL_ALL;
}

static int smtp_send(const struct config *cfg, const struct mail_rec *m, char *err, size_t errcap)
{
	int rc = PP_EIO;
	struct buf msg;
	struct curl_slist *rcpt = NULL;
	char from[CONFIG_STR_MAX + 2], to[sizeof m->to_addr + 2], url[CONFIG_STR_MAX + 8];
	CURL *curl = curl_easy_init();
	buf_init(&msg, 4 * 1024 * 1024);
	if (!curl || build_message(cfg, m, &msg) != 0) {
		snprintf(err, errcap, "cannot build the message");
		goto out;
	}
	addr_of(cfg->smtp_from, from, sizeof from);
	snprintf(to, sizeof to, "<%s>", m->to_addr);
	clean_header(to);
	rcpt = curl_slist_append(NULL, to);
	struct payload pl = {msg.data, msg.len};
	long tls = smtp_tls(cfg->smtp_url, url, sizeof url);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(curl, CURLOPT_READDATA, &pl);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_USE_SSL, tls);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)MAILER_SMTP_TIMEOUT_S);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	CURLcode cc = curl_easy_perform(curl);
	if (cc == CURLE_USE_SSL_FAILED) {
		snprintf(err, errcap,
		         "%s: the server offers no STARTTLS and TLS is required "
		         "(smtp+insecure:// for a plain local relay)",
		         curl_easy_strerror(cc));
		goto out;
	}
	if (cc != CURLE_OK) {
		snprintf(err, errcap, "%s", curl_easy_strerror(cc));
		goto out;
	}
	rc = 0;
out:
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(curl);
	buf_release(&msg);
	return rc;
}

static int64_t backoff_ms(const struct config *cfg, int attempts)
{
	int64_t s = cfg->mail_retry_base_s;
	for (int i = 0; i < attempts && s < MAILER_BACKOFF_MAX_S; i++)
		s *= 2;
	if (s > MAILER_BACKOFF_MAX_S)
		s = MAILER_BACKOFF_MAX_S;
	return s * 1000;
}

/* Sends (or logs) one due mail. PP_ENOTFOUND when none is due. */
static int send_one(struct mailer *mr, struct store_conn *c)
{
	const struct config *cfg = mr->app->cfg;
	struct mail_rec m;
	memset(&m, 0, sizeof m);
	int64_t now = clock_now_ms(&mr->app->clock);
	int rc = store_mail_next(c, now, &m);
	if (rc)
		return rc;
	if (!cfg->smtp_url[0]) {
		/* the body is dropped from the outbox before the log line appears (the
		 * log is where it is delivered): whoever reads the log sees the row
		 * already without it */
		rc = store_mail_logged(c, m.id, MAILER_LOGGED, MAILER_NEVER);
		if (rc == 0)
			log_json("info", "mail (no SMTP server configured: kept in the outbox)",
			         json_pack("{s:I, s:s, s:s, s:s}", "mail_id", (json_int_t)m.id,
			                   "to", m.to_addr, "subject", m.subject, "body", m.body));
		goto out;
	}
	char err[256];
	if (smtp_send(cfg, &m, err, sizeof err) == 0) {
		rc = store_mail_sent(c, m.id, clock_now_ms(&mr->app->clock));
		log_json("info", "mail sent",
		         json_pack("{s:I, s:s, s:s}", "mail_id", (json_int_t)m.id, "to", m.to_addr,
		                   "subject", m.subject));
	} else {
		int64_t next =
		        m.attempts + 1 >= MAILER_MAX_ATTEMPTS
		                ? MAILER_NEVER
		                : clock_now_ms(&mr->app->clock) + backoff_ms(cfg, m.attempts);
		rc = store_mail_failed(c, m.id, err, next);
		log_json("warn", "mail delivery failed, will retry",
		         json_pack("{s:I, s:s, s:i, s:s}", "mail_id", (json_int_t)m.id, "to",
		                   m.to_addr, "attempt", m.attempts + 1, "error", err));
		rc = rc ? rc : PP_EIO;
	}
out:
	free(m.subject);
	free(m.body);
	return rc;
}

static void *mailer_main(void *arg)
{
	struct mailer *mr = arg;
	for (;;) {
		pthread_mutex_lock(&mr->mu);
		int stop = mr->stop;
		mr->woken = 0;
		pthread_mutex_unlock(&mr->mu);
		if (stop)
			break;
		struct store_conn *c = store_acquire(mr->app->store);
		int rc;
		int sent = 0;
		while ((rc = send_one(mr, c)) == 0 && sent < 100)
			sent++;
		store_release(mr->app->store, c);
		if (rc == 0)
			continue; /* more due */
		pthread_mutex_lock(&mr->mu);
		if (!mr->stop && !mr->woken) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			int64_t ns = ts.tv_nsec + (int64_t)MAILER_IDLE_POLL_MS * 1000000;
			ts.tv_sec += ns / 1000000000;
			ts.tv_nsec = ns % 1000000000;
			pthread_cond_timedwait(&mr->cv, &mr->mu, &ts);
		}
		pthread_mutex_unlock(&mr->mu);
	}
	return NULL;
}

int mailer_start(struct app *app, struct mailer **out)
{
	struct mailer *m = calloc(1, sizeof *m);
	if (!m)
		return PP_ENOMEM;
	m->app = app;
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv, NULL);
	{
		/* rows sent or logged before bodies were dropped lose theirs now */
		struct store_conn *c = store_acquire(app->store);
		store_mail_forget_bodies(c, MAILER_LOGGED);
		store_release(app->store, c);
	}
	if (app->cfg->smtp_url[0]) {
		/* mails only logged while no server was configured go out now */
		struct store_conn *c = store_acquire(app->store);
		store_mail_requeue(c, MAILER_LOGGED, clock_now_ms(&app->clock));
		store_release(app->store, c);
	}
	if (pthread_create(&m->thread, NULL, mailer_main, m) != 0) {
		free(m);
		return PP_ENOMEM;
	}
	*out = m;
	return 0;
}

void mailer_stop(struct mailer *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->mu);
	m->stop = 1;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->mu);
	pthread_join(m->thread, NULL);
	pthread_mutex_destroy(&m->mu);
	pthread_cond_destroy(&m->cv);
	free(m);
}
