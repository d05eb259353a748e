/*
 * cli_http.c - libcurl client for the paasport API (see cli_http.h): builds
 * the request (JSON body, bearer or Basic credentials), caps what it reads,
 * parses the JSON answer and renders the API's error bodies as text.
 */
#include "cli/cli_http.h"
#include "util/err.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLI_HTTP_USER_AGENT "paasport-cli/0.1"
#define CLI_HTTP_HEADER_MAX 2048 /* bytes of one request header line we build */

struct sink {
	struct buf *body;
	int too_big;
};

int cli_http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : PP_EIO;
}

void cli_http_global_cleanup(void)
{
	curl_global_cleanup();
}

void cli_http_resp_init(struct cli_http_resp *rs)
{
	rs->status = 0;
	rs->retry_after = -1;
	buf_init(&rs->body, CLI_HTTP_MAX_RESPONSE);
	rs->json = NULL;
}

void cli_http_resp_free(struct cli_http_resp *rs)
{
	if (!rs)
		return;
	if (rs->body.data) /* answers may carry secrets: API tokens */
		sodium_memzero(rs->body.data, rs->body.len);
	buf_release(&rs->body);
	json_decref(rs->json);
	rs->json = NULL;
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n;
	if (buf_append(s->body, p, len) != 0) {
		s->too_big = 1;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	return len;
}

static int add_header(struct curl_slist **list, const char *fmt, const char *value)
{
	char line[CLI_HTTP_HEADER_MAX];
	int n = snprintf(line, sizeof line, fmt, value);
	if (n < 0 || (size_t)n >= sizeof line)
		return PP_ETOOBIG;
	struct curl_slist *l = curl_slist_append(*list, line);
	if (!l)
		return PP_ENOMEM;
	*list = l;
	return 0;
}

static int build_url(struct buf *url, const struct cli_http_req *rq)
{
	size_t n = strlen(rq->base_url);
	while (n > 0 && rq->base_url[n - 1] == '/')
		n--;
	if (strncmp(rq->base_url, "http://", 7) != 0 && strncmp(rq->base_url, "https://", 8) != 0)
		return PP_EINVAL;
	int rc = buf_append(url, rq->base_url, n);
	if (rc == 0)
		rc = buf_appendz(url, rq->path);
	return rc;
}

int cli_http_do(const struct cli_http_req *rq, struct cli_http_resp *rs, char err[CLI_HTTP_ERR_LEN])
{
	CURL *h = NULL;
	struct curl_slist *headers = NULL;
	struct buf url;
	char *body = NULL;
	char cerr[CURL_ERROR_SIZE] = "";
	struct sink sink = {&rs->body, 0};
	int rc;

	err[0] = 0;
	buf_init(&url, CLI_HTTP_MAX_URL);
	if ((rc = build_url(&url, rq)) != 0) {
		snprintf(err, CLI_HTTP_ERR_LEN,
		         "bad API URL (it must start with http:// or https://)");
		goto out;
	}
	if (rq->body) {
		body = json_dumps(rq->body, JSON_COMPACT);
		if (!body) {
			rc = PP_ENOMEM;
			goto out;
		}
		if (strlen(body) > CLI_HTTP_MAX_REQUEST) {
			snprintf(err, CLI_HTTP_ERR_LEN, "request body too large");
			rc = PP_ETOOBIG;
			goto out;
		}
	}
	if (!(h = curl_easy_init())) {
		rc = PP_ENOMEM;
		goto out;
	}
	if ((rc = add_header(&headers, "Accept: %s", "application/json")) != 0)
		goto out;
	if (body && (rc = add_header(&headers, "Content-Type: %s", "application/json")) != 0)
		goto out;
	if (rq->bearer && (rc = add_header(&headers, "Authorization: Bearer %s", rq->bearer)) != 0)
		goto out;
	if (rq->otp && (rc = add_header(&headers, "X-Authorization-OTP: %s", rq->otp)) != 0)
		goto out;

	curl_easy_setopt(h, CURLOPT_URL, url.data);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); /* never resend credentials elsewhere */
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CLI_HTTP_CONNECT_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, CLI_HTTP_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)CLI_HTTP_MAX_RESPONSE);
	curl_easy_setopt(h, CURLOPT_USERAGENT, CLI_HTTP_USER_AGENT);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	if (rq->basic_user) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, rq->basic_user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, rq->basic_pass ? rq->basic_pass : "");
	}
	if (strcmp(rq->method, "GET") == 0)
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	else if (strcmp(rq->method, "POST") != 0)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, rq->method);
	if (body || strcmp(rq->method, "POST") == 0) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)(body ? strlen(body) : 0));
	}

	CURLcode cc = curl_easy_perform(h);
	if (sink.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(err, CLI_HTTP_ERR_LEN, "the response exceeds %u bytes",
		         CLI_HTTP_MAX_RESPONSE);
		rc = PP_ETOOBIG;
		goto out;
	}
	if (cc != CURLE_OK) {
		snprintf(err, CLI_HTTP_ERR_LEN, "cannot reach %s: %s", url.data,
		         cerr[0] ? cerr : curl_easy_strerror(cc));
		rc = PP_EIO;
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &rs->status);
	curl_off_t ra = -1;
	if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
		rs->retry_after = (long)ra;
	if (rs->body.len > 0) {
		json_t *j = json_loadb(rs->body.data, rs->body.len, 0, NULL);
		if (json_is_object(j))
			rs->json = j;
		else
			json_decref(j);
	}
	rc = 0;
out:
	curl_slist_free_all(headers);
	if (h)
		curl_easy_cleanup(h);
	free(body);
	buf_release(&url);
	return rc;
}

/* "name can't be blank, is too long; email is already taken" */
static int errors_text(json_t *errors, struct buf *out)
{
	const char *field;
	json_t *msgs;
	int rc = 0, first = 1;
	json_object_foreach (errors, field, msgs) {
		if (!first && (rc = buf_appendz(out, "; ")) != 0)
			return rc;
		first = 0;
		if ((rc = buf_appendz(out, field)) != 0)
			return rc;
		if (json_is_string(msgs)) {
			rc = buf_appendf(out, " %s", json_string_value(msgs));
		} else if (json_is_array(msgs)) {
			size_t i;
			json_t *m;
			json_array_foreach (msgs, i, m) {
				if (!json_is_string(m))
					continue;
				if ((rc = buf_appendf(out, "%s%s", i ? ", " : " ",
				                      json_string_value(m))) != 0)
					return rc;
			}
		}
		if (rc)
			return rc;
	}
	return rc;
}

int cli_http_error_text(const struct cli_http_resp *rs, struct buf *out)
{
	json_t *errors = rs->json ? json_object_get(rs->json, "errors") : NULL;
	const char *msg = rs->json ? json_string_value(json_object_get(rs->json, "error")) : NULL;
	const char *resource =
	        rs->json ? json_string_value(json_object_get(rs->json, "resource")) : NULL;
	const char *code = rs->json ? json_string_value(json_object_get(rs->json, "code")) : NULL;
	int rc;

	if (json_is_object(errors) && json_object_size(errors) > 0)
		rc = errors_text(errors, out);
	else if (msg && resource && *resource)
		rc = buf_appendf(out, "%s %s", resource, msg);
	else if (msg)
		rc = buf_appendz(out, msg);
	else
		rc = buf_appendf(out, "unexpected answer from the server (HTTP %ld)", rs->status);
	if (rc == 0 && code)
		rc = buf_appendf(out, " (%s)", code);
	if (rc == 0 && rs->status == 429 && rs->retry_after > 0)
		rc = buf_appendf(out, " (retry in %ld s)", rs->retry_after);
	return rc;
}

int cli_http_escape_segment(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && rc == 0; p++) {
		unsigned char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '~') { /* '.' escaped: no "." or ".." segment */
			char ch = (char)c;
			rc = buf_append(out, &ch, 1);
		} else {
			char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
			rc = buf_append(out, enc, 3);
		}
	}
	return rc;
}
