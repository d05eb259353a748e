/*
 * sq_migrations.c - the SQL of every schema version, for SQLite. Portable
 * column types only (TEXT, INTEGER, BLOB), each with a one-to-one PostgreSQL
 * translation for the PostgreSQL engine's own migrations:
 *   INTEGER              -> BIGINT: every time (int64 ms, UTC), amount of money
 *                           (int64 cents), counter and flag is 64-bit in SQLite
 *                           already, so nothing narrows in PostgreSQL;
 *   INTEGER PRIMARY KEY  -> BIGINT GENERATED ALWAYS AS IDENTITY (events,
 *                           mail_outbox, formation_history: the only program-
 *                           less ids; every other id is TEXT made by the program);
 *   TEXT -> TEXT, BLOB -> BYTEA; UNIQUE and indexes unchanged.
 * Uniqueness (username, email_lc, app name, secret hashes) is declared here and
 * decides at write time in both engines. Never edit a released migration.
 */
#include "store/sqlite/sq_migrations.h"

const char *const sq_migrations[] = {
        /* 1: accounts, sessions, API tokens, one-time links, events, mail outbox */
        "CREATE TABLE server_secrets ("
        "  name TEXT PRIMARY KEY,"
        "  value BLOB NOT NULL);"
        "CREATE TABLE users ("
        "  id TEXT PRIMARY KEY,"
        "  username TEXT UNIQUE," /* NULL once the account is deleted */
        "  email TEXT,"
        "  email_lc TEXT UNIQUE," /* lower-cased email, for uniqueness */
        "  unconfirmed_email TEXT,"
        "  password_hash TEXT,"
        "  fullname TEXT NOT NULL DEFAULT '',"
        "  company TEXT,"
        "  location TEXT,"
        "  email_newsletter INTEGER NOT NULL DEFAULT 0,"
        "  created_at INTEGER NOT NULL,"
        "  auth_epoch INTEGER NOT NULL DEFAULT 0," /* bumped on password change: kills JWTs */
        "  failed_logins INTEGER NOT NULL DEFAULT 0,"
        "  locked_until INTEGER NOT NULL DEFAULT 0,"
        "  suspended_at INTEGER,"
        "  suspension_reason TEXT,"
        "  referral_code TEXT NOT NULL UNIQUE,"
        "  referred_by TEXT REFERENCES users(id),"
        "  deleted_at INTEGER);"
        "CREATE TABLE sessions ("
        "  id TEXT PRIMARY KEY,"
        "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
        "  secret_hash TEXT NOT NULL UNIQUE,"
        "  csrf_token TEXT NOT NULL,"
        "  created_at INTEGER NOT NULL,"
        "  last_seen_at INTEGER NOT NULL,"
        "  expires_at INTEGER NOT NULL,"
        "  remote_ip TEXT NOT NULL DEFAULT '',"
        "  user_agent TEXT NOT NULL DEFAULT '');"
        "CREATE INDEX sessions_user ON sessions(user_id);"
        "CREATE TABLE tokens ("
        "  id TEXT PRIMARY KEY,"
        "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
        "  name TEXT NOT NULL,"
        "  secret_hash TEXT NOT NULL UNIQUE,"
        "  version INTEGER NOT NULL DEFAULT 1," /* bumped on renew: kills JWTs of the old secret */
        "  created_at INTEGER NOT NULL,"
        "  issued_at INTEGER NOT NULL,"
        "  last_used_at INTEGER);"
        "CREATE INDEX tokens_user ON tokens(user_id, created_at);"
        "CREATE TABLE one_time_links ("
        "  id TEXT PRIMARY KEY,"
        "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
        "  kind TEXT NOT NULL," /* confirm_email | password_reset | ... */
        "  token_hash TEXT NOT NULL UNIQUE,"
        "  data TEXT," /* e.g. the email to confirm */
        "  created_at INTEGER NOT NULL,"
        "  expires_at INTEGER NOT NULL,"
        "  used_at INTEGER);"
        "CREATE INDEX one_time_links_user ON one_time_links(user_id, kind);"
        "CREATE TABLE events ("
        "  id INTEGER PRIMARY KEY,"
        "  created_at INTEGER NOT NULL,"
        "  type TEXT NOT NULL,"
        "  user_id TEXT REFERENCES users(id),"
        "  app_id TEXT,"
        "  app_name TEXT,"
        "  type_data TEXT NOT NULL DEFAULT '{}');"
        "CREATE INDEX events_user ON events(user_id, id, created_at);"
        "CREATE TABLE mail_outbox ("
        "  id INTEGER PRIMARY KEY,"
        "  created_at INTEGER NOT NULL,"
        "  to_addr TEXT NOT NULL,"
        "  subject TEXT NOT NULL,"
        "  body TEXT NOT NULL,"
        "  attempts INTEGER NOT NULL DEFAULT 0,"
        "  next_attempt_at INTEGER NOT NULL,"
        "  sent_at INTEGER,"
        "  last_error TEXT);"
        "CREATE INDEX mail_outbox_pending ON mail_outbox(sent_at, next_attempt_at);",

        /* 2: apps, formation and its history, collaborators, app timelines */
        "CREATE TABLE apps ("
        "  id TEXT PRIMARY KEY,"
        "  name TEXT UNIQUE," /* NULL once deleted: the name is free again */
        "  deleted_name TEXT,"
        "  owner_id TEXT NOT NULL REFERENCES users(id),"
        "  status TEXT NOT NULL DEFAULT 'new',"
        "  created_at INTEGER NOT NULL,"
        "  updated_at INTEGER NOT NULL,"
        "  deleted_at INTEGER);"
        "CREATE INDEX apps_owner ON apps(owner_id, deleted_at);"
        "CREATE TABLE formation ("
        "  app_id TEXT NOT NULL REFERENCES apps(id),"
        "  type TEXT NOT NULL,"
        "  amount INTEGER NOT NULL,"
        "  size TEXT NOT NULL,"
        "  PRIMARY KEY (app_id, type));"
        /* every change, to the second (UTC ms truncated): billing counts minutes from it */
        "CREATE TABLE formation_history ("
        "  id INTEGER PRIMARY KEY,"
        "  app_id TEXT NOT NULL REFERENCES apps(id),"
        "  owner_id TEXT NOT NULL,"
        "  type TEXT NOT NULL,"
        "  amount INTEGER NOT NULL,"
        "  size TEXT NOT NULL,"
        "  changed_at INTEGER NOT NULL);"
        "CREATE INDEX formation_history_app ON formation_history(app_id, changed_at);"
        "CREATE INDEX formation_history_owner ON formation_history(owner_id, changed_at);"
        "CREATE TABLE collaborators ("
        "  id TEXT PRIMARY KEY,"
        "  app_id TEXT NOT NULL REFERENCES apps(id),"
        "  email TEXT NOT NULL," /* invited address ('' once the account is deleted) */
        "  user_id TEXT REFERENCES users(id)," /* NULL while pending */
        "  status TEXT NOT NULL,"              /* pending | accepted | user account deleted */
        "  is_limited INTEGER NOT NULL DEFAULT 0,"
        "  invitation_hash TEXT UNIQUE,"
        "  inviter_id TEXT,"
        "  created_at INTEGER NOT NULL,"
        "  expires_at INTEGER NOT NULL,"
        "  accepted_at INTEGER);"
        "CREATE UNIQUE INDEX collaborators_app_user ON collaborators(app_id, user_id);"
        "CREATE INDEX collaborators_user ON collaborators(user_id);"
        "CREATE INDEX collaborators_app ON collaborators(app_id, created_at);"
        "CREATE INDEX events_app ON events(app_id, id, created_at);"
        /* who an event's type_data names (user ids, lower-cased emails): what to scrub
         * when that account is deleted */
        "CREATE TABLE event_subjects ("
        "  event_id INTEGER NOT NULL REFERENCES events(id),"
        "  subject TEXT NOT NULL);"
        "CREATE INDEX event_subjects_subject ON event_subjects(subject, event_id);"
        /* events per timeline ('u:<user id>', 'a:<app id>'): pages need no COUNT scan */
        "CREATE TABLE event_counts ("
        "  scope TEXT PRIMARY KEY,"
        "  n INTEGER NOT NULL);"
        "INSERT INTO event_counts(scope, n) SELECT 'u:' || user_id, COUNT(*) FROM events "
        "  WHERE user_id IS NOT NULL GROUP BY user_id;"
        "INSERT INTO event_counts(scope, n) SELECT 'a:' || app_id, COUNT(*) FROM events "
        "  WHERE app_id IS NOT NULL GROUP BY app_id;",

        /* 3: every email and username an account had before its current ones, with
         * the time it held each [from_at, until_at): what its erasure scrubs too */
        "CREATE TABLE user_past_ids ("
        "  user_id TEXT NOT NULL REFERENCES users(id),"
        "  kind TEXT NOT NULL," /* email | username */
        "  value TEXT NOT NULL,"
        "  from_at INTEGER NOT NULL,"
        "  until_at INTEGER NOT NULL);"
        "CREATE INDEX user_past_ids_user ON user_past_ids(user_id, kind, until_at);",

        /* 4: counters every node shares (login throttles, lock-out of unknown names)
         * and the periodic jobs one node at a time runs */
        "CREATE TABLE throttles ("
        "  key TEXT PRIMARY KEY," /* 'login-ip:1.2.3.4', 'login:alice' */
        "  window_start INTEGER NOT NULL,"
        "  hits INTEGER NOT NULL);"
        "CREATE INDEX throttles_window ON throttles(window_start);"
        "CREATE TABLE strikes ("
        "  key TEXT PRIMARY KEY," /* 'unknown-login:bob' */
        "  fails INTEGER NOT NULL,"
        "  locked_until INTEGER NOT NULL,"
        "  touched_at INTEGER NOT NULL);"
        "CREATE INDEX strikes_touched ON strikes(touched_at);"
        "CREATE TABLE jobs ("
        "  name TEXT PRIMARY KEY,"
        "  next_run_at INTEGER NOT NULL);",

        /* 5: proof of the address. email_pending = 1 while a sign-up has not
         * confirmed it (such accounts are gated and expire: the partial index keeps
         * their sweep cheap); email_confirmed_at = when its holder proved it, NULL
         * = never (every account older than this migration) */
        "ALTER TABLE users ADD COLUMN email_pending INTEGER NOT NULL DEFAULT 0;"
        "ALTER TABLE users ADD COLUMN email_confirmed_at INTEGER;"
        "CREATE INDEX users_email_pending ON users(created_at) WHERE email_pending = 1;",

        /* 6: two-factor authentication (TOTP): one row per account with 2FA on or being
         * enrolled (secrets sealed with the server key), and the hashed single-use
         * recovery codes */
        "CREATE TABLE user_tfa ("
        "  user_id TEXT PRIMARY KEY REFERENCES users(id),"
        "  enabled INTEGER NOT NULL DEFAULT 0,"
        "  secret TEXT,"  /* sealed (crypto/sealed.h), base64; NULL while enrolling */
        "  pending TEXT," /* sealed secret awaiting its first code; NULL none */
        "  last_step INTEGER NOT NULL DEFAULT -1,"
        "  created_at INTEGER NOT NULL,"
        "  enabled_at INTEGER);"
        "CREATE TABLE user_tfa_codes ("
        "  user_id TEXT NOT NULL REFERENCES users(id),"
        "  code_hash TEXT NOT NULL,"
        "  created_at INTEGER NOT NULL,"
        "  used_at INTEGER,"
        "  PRIMARY KEY (user_id, code_hash));",

        /* 7: SSH keys; blob_sha256 (hex SHA-256 of the decoded key blob) is the
         * lookup of sshd's AuthorizedKeysCommand and makes a key one account's */
        "CREATE TABLE keys ("
        "  id TEXT PRIMARY KEY,"
        "  user_id TEXT NOT NULL REFERENCES users(id),"
        "  name TEXT NOT NULL,"
        "  type TEXT NOT NULL,"
        "  content TEXT NOT NULL," /* the normalized line: type base64 name */
        "  fingerprint TEXT NOT NULL,"
        "  blob_sha256 TEXT NOT NULL UNIQUE,"
        "  created_at INTEGER NOT NULL,"
        "  last_used_at INTEGER NOT NULL DEFAULT 0);"
        "CREATE UNIQUE INDEX keys_user_name ON keys(user_id, name);",
};

const size_t sq_migrations_count = sizeof sq_migrations / sizeof sq_migrations[0];
