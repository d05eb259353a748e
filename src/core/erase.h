/*
 * erase.h - erasing an account (the use case behind DELETE /v1/users/account
 * once confirmed): the order of the store's single-purpose steps.
 */
#ifndef PP_ERASE_H
#define PP_ERASE_H

#include "store/store.h"

#include <stdint.h>

/*
 * Erases the live account user_id, inside the caller's STORE_TX_WRITE
 * transaction (commit or roll back after it): sessions, tokens and links
 * deleted; the user row keeps only its id (personal fields NULL, deleted_at =
 * now), so username and email are free again; collaborations show "user
 * account deleted"; the account's own events lose their type_data, and events
 * naming it (by id, email, the addresses it was invited under, or username)
 * lose those strings; mails to its addresses are deleted. Invoices and
 * payments are never touched. PP_ENOTFOUND when no such live account.
 */
int erase_account(struct store_conn *c, const char *user_id, int64_t now);

#endif
