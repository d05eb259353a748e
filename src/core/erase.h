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
 * naming it (by id or by one of its addresses) lose every email and username
 * it ever had; mails to its addresses are deleted and its name leaves the
 * invitation mails it sent; its past identifiers are dropped. Only what is
 * the account's: an address invitations were sent to is not, and an address
 * that is now another live account's email is never scrubbed (only the mails
 * sent there while the account held it go). Invoices and payments are never
 * touched. PP_ENOTFOUND when no such live account.
 */
int erase_account(struct store_conn *c, const char *user_id, int64_t now);

#endif
