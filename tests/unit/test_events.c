/*
 * test_events.c - the event catalogue: unique names, well-formed templates
 * whose placeholders are documented type_data keys, {app} or named computed
 * parts, and constructors that write exactly the documented keys (with the
 * JSON the Scalingo clients read).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/events.h"

#define KEY_MAX 128

/* Is key one of the space-separated paths of keys? */
static int has_word(const char *keys, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = keys; *p;) {
		size_t w = strcspn(p, " ");
		if (w == n && strncmp(p, key, n) == 0)
			return 1;
		p += w;
		p += strspn(p, " ");
	}
	return 0;
}

static int computed_known(const char *name)
{
	for (size_t i = 0; i < events_computed_count; i++)
		if (strcmp(events_computed[i].name, name) == 0)
			return 1;
	return 0;
}

/* type_data's value at a dotted path, or NULL. */
static json_t *value_at(json_t *data, const char *path)
{
	char part[KEY_MAX];
	json_t *v = data;
	while (v && *path) {
		size_t n = strcspn(path, ".");
		assert_true(n < sizeof part);
		memcpy(part, path, n);
		part[n] = 0;
		v = json_object_get(v, part);
		path += path[n] ? n + 1 : n;
	}
	return v;
}

static void test_names_unique(void **state)
{
	(void)state;
	assert_true(events_types_count > 0);
	for (size_t i = 0; i < events_types_count; i++) {
		const struct event_type_info *t = &events_types[i];
		assert_non_null(t->name);
		assert_true(t->display_name && *t->display_name);
		assert_true(t->description && *t->description);
		assert_true(t->template && *t->template);
		assert_non_null(t->keys);
		assert_ptr_equal(events_type_find(t->name), t);
		for (size_t j = i + 1; j < events_types_count; j++)
			assert_string_not_equal(t->name, events_types[j].name);
	}
	for (size_t i = 0; i < events_computed_count; i++)
		for (size_t j = i + 1; j < events_computed_count; j++)
			assert_string_not_equal(events_computed[i].name, events_computed[j].name);
	assert_null(events_type_find("no_such_type"));
	assert_null(events_type_find(NULL));
}

/* Every {placeholder} names {app}, a documented key or a computed part; [ ] and { } pair up
 * without nesting; | only inside [ ]. */
static void test_templates(void **state)
{
	(void)state;
	for (size_t i = 0; i < events_types_count; i++) {
		const struct event_type_info *t = &events_types[i];
		int in_alt = 0;
		for (const char *p = t->template; *p; p++) {
			if (*p == '[') {
				assert_false(in_alt);
				in_alt = 1;
			} else if (*p == ']') {
				assert_true(in_alt);
				in_alt = 0;
			} else if (*p == '}') {
				fail_msg("%s: a } without {", t->name);
			} else if (*p == '{') {
				const char *end = strchr(p, '}');
				char key[KEY_MAX];
				assert_non_null(end);
				size_t n = (size_t)(end - p - 1);
				assert_true(n > 0 && n < sizeof key);
				memcpy(key, p + 1, n);
				key[n] = 0;
				assert_null(strpbrk(key, "{[]|"));
				const char *k = key[0] == '?' ? key + 1 : key;
				if (k[0] == '@') {
					if (!computed_known(k + 1))
						fail_msg("%s: unknown computed part %s", t->name,
						         k);
				} else if (strcmp(k, "app") != 0 && !has_word(t->keys, k)) {
					fail_msg("%s: {%s} is not a documented key", t->name, k);
				}
				p = end;
			}
		}
		assert_false(in_alt);
	}
}

/* The type_data each type gets, from its constructor (NULL: none). */
static json_t *payload(const char *type)
{
	static const struct formation_rec before[] = {{"web", 1, "M"}, {"worker", 0, "S"}};
	static const struct formation_rec after[] = {{"web", 2, "L"}, {"worker", 1, "S"}};
	struct collab_rec k;
	memset(&k, 0, sizeof k);
	strcpy(k.id, "co-1");
	strcpy(k.email, "bob@example.com");
	strcpy(k.username, "bob");
	k.is_limited = 1;
	if (!strcmp(type, "new_user") || !strcmp(type, "new_app") || !strcmp(type, "delete_app") ||
	    !strcmp(type, "tfa_disabled"))
		return NULL;
	if (!strcmp(type, "tfa_enabled"))
		return events_data_tfa("totp");
	if (!strcmp(type, "tfa_recovery_code_used"))
		return events_data_tfa_recovery("127.0.0.1", 9);
	if (!strcmp(type, "edit_profile")) {
		json_t *f = json_pack("[ss]", "fullname", "company");
		json_t *d = events_data_edit_profile(f);
		json_decref(f);
		return d;
	}
	if (strstr(type, "token"))
		return events_data_token("ci", "tk-1");
	if (!strncmp(type, "login_", 6) || !strncmp(type, "password_reset_", 15) ||
	    !strcmp(type, "cancel_email_change"))
		return events_data_remote_ip("127.0.0.1");
	if (!strcmp(type, "scale"))
		return events_data_scale(before, 2, after, 2);
	if (!strcmp(type, "restart"))
		return events_data_restart(NULL);
	if (!strcmp(type, "new_collaborator"))
		return events_data_collab_invited(k.email, 1);
	if (!strcmp(type, "accept_collaborator"))
		return events_data_collab_accepted(&k, "bob@example.com", "bob", "al@example.com",
		                                   "al");
	if (!strcmp(type, "delete_collaborator"))
		return events_data_collab(&k, 0);
	if (!strcmp(type, "change_collaborator_role"))
		return events_data_collab(&k, 1);
	if (!strcmp(type, "new_key") || !strcmp(type, "delete_key"))
		return events_data_key("laptop", "SHA256:abc");
	if (!strcmp(type, "deployment"))
		return events_data_deployment("al", "0123abcd", "pushed");
	fail_msg("no constructor for %s in this test", type);
	return NULL;
}

static void test_constructors_write_documented_keys(void **state)
{
	(void)state;
	for (size_t i = 0; i < events_types_count; i++) {
		const struct event_type_info *t = &events_types[i];
		json_t *d = payload(t->name);
		char key[KEY_MAX];
		if (!*t->keys) {
			assert_null(d);
			continue;
		}
		assert_true(json_is_object(d));
		for (const char *p = t->keys; *p;) {
			size_t n = strcspn(p, " ");
			assert_true(n < sizeof key);
			memcpy(key, p, n);
			key[n] = 0;
			if (!value_at(d, key))
				fail_msg("%s: the constructor does not write %s", t->name, key);
			p += n;
			p += strspn(p, " ");
		}
		/* and nothing undocumented at the top */
		const char *top;
		json_t *v;
		json_object_foreach (d, top, v) {
			int found = 0;
			for (const char *p = t->keys; *p && !found;) {
				size_t n = strcspn(p, " "), m = strlen(top);
				found = n >= m && strncmp(p, top, m) == 0 &&
				        (n == m || p[m] == '.');
				p += n;
				p += strspn(p, " ");
			}
			if (!found)
				fail_msg("%s: undocumented key %s", t->name, top);
		}
		json_decref(d);
	}
}

static void expect_json(json_t *d, const char *want)
{
	char *s = json_dumps(d, JSON_COMPACT);
	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
	json_decref(d);
}

/* The exact shapes the tests and the Scalingo clients read. */
static void test_constructor_json(void **state)
{
	(void)state;
	struct formation_rec before[] = {{"web", 1, "M"}}, after[] = {{"web", 2, "L"}};
	struct collab_rec k;
	memset(&k, 0, sizeof k);
	strcpy(k.id, "co-1");
	strcpy(k.email, "bob@example.com");
	expect_json(events_data_remote_ip("::1"), "{\"remote_ip\":\"::1\"}");
	expect_json(events_data_edit_profile1("email"), "{\"fields\":[\"email\"]}");
	expect_json(events_data_token("ci", "tk-1"),
	            "{\"token_name\":\"ci\",\"token_id\":\"tk-1\"}");
	expect_json(events_data_scale(before, 1, after, 1),
	            "{\"previous_containers\":{\"web\":1},\"containers\":{\"web\":2},"
	            "\"previous_sizes\":{\"web\":\"M\"},\"sizes\":{\"web\":\"L\"}}");
	expect_json(events_data_restart(NULL), "{\"scope\":null}");
	json_t *scope = json_pack("[s]", "web");
	expect_json(events_data_restart(scope), "{\"scope\":[\"web\"]}");
	json_decref(scope);
	expect_json(events_data_collab_invited("bob@example.com", 0),
	            "{\"collaborator\":{\"email\":\"bob@example.com\",\"is_limited\":false}}");
	/* a pending invitation has no username yet */
	expect_json(events_data_collab(&k, 0),
	            "{\"collaborator\":{\"id\":\"co-1\",\"email\":\"bob@example.com\","
	            "\"username\":\"n/a\"}}");
	k.is_limited = 1;
	expect_json(events_data_collab_accepted(&k, "b@example.com", "bob", "", ""),
	            "{\"collaborator\":{\"id\":\"co-1\",\"email\":\"b@example.com\","
	            "\"username\":\"bob\",\"is_limited\":true,"
	            "\"inviter\":{\"email\":\"\",\"username\":\"\"}}}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_names_unique),
	        cmocka_unit_test(test_templates),
	        cmocka_unit_test(test_constructors_write_documented_keys),
	        cmocka_unit_test(test_constructor_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
