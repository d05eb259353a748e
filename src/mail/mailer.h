/*
 * mailer.h - outgoing mail. mailer_enqueue() writes to the outbox table
 * (inside the caller's transaction, so a mail exists iff its cause was
 * committed); a sender thread delivers due mails over SMTP with libcurl,
 * retrying with exponential back-off. Nothing is lost across a restart: a mail
 * is marked sent only once the server took it, and then its body (the links it
 * held) is dropped. TLS is required: smtp:// must offer STARTTLS, smtps:// is
 * TLS throughout; smtp+insecure:// (plain SMTP, a local relay) must be said
 * explicitly. With no SMTP URL configured, mails are written to the log, their
 * body dropped, and stay queued (a stand-in body goes out once a server is set).
 */
#ifndef PP_MAILER_H
#define PP_MAILER_H

#include "store/store.h"

#include <stdint.h>

#define MAILER_MAX_ATTEMPTS   12         /* then the mail stays in the outbox, failed */
#define MAILER_BACKOFF_MAX_S  (6 * 3600) /* cap on the retry delay */
#define MAILER_SMTP_TIMEOUT_S 30

struct app;
struct mailer;

int mailer_enqueue(struct store_conn *c, int64_t now, const char *to, const char *subject,
                   const char *body);
int mailer_start(struct app *app, struct mailer **out);
/* Wakes the sender (after a commit that queued mail). Accepts NULL. */
void mailer_wake(struct mailer *m);
void mailer_stop(struct mailer *m);

#endif
