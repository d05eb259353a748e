/*
 * test_sshkey_keygen.c - the key parser against OpenSSH itself: ssh-keygen
 * (Debian's openssh-client, installed by `scripts/deps.sh test`) generates
 * keys of every size into a temporary directory, and our fingerprint and bit
 * size must equal what `ssh-keygen -lf` prints for each. Also the files
 * ssh-keygen writes that are not a key we take: RSA 1024, DSA, the private
 * key, its RFC 4716 and PKCS8 exports. Kept apart from test_sshkey.c, whose
 * cases are fixed data and run no program.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/sshkey.h"
#include "util/err.h"

static char dir[] = "/tmp/pp-sshkey-XXXXXX";

/* The whole output of the shell command cmd (fails the test when it fails). */
static void run(const char *cmd, char *out, size_t cap)
{
	FILE *p = popen(cmd, "r");
	if (!p)
		fail_msg("popen %s", cmd);
	size_t n = fread(out, 1, cap - 1, p);
	out[n] = 0;
	int st = pclose(p);
	if (st != 0) {
		print_error("command failed (%d): %s\n", st, cmd);
		fail();
	}
}

static size_t slurp(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(out, 1, cap - 1, f);
	out[n] = 0;
	fclose(f);
	return n;
}

/* Generates DIR/name with `ssh-keygen -t spec`, its .pub into pub. */
static size_t gen(const char *name, const char *spec, char *pub, size_t cap)
{
	char cmd[512], path[256], out[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(cmd, sizeof cmd, "ssh-keygen -q -t %s -N '' -C 'alice@laptop' -f %s </dev/null",
	         spec, path);
	run(cmd, out, sizeof out);
	snprintf(path, sizeof path, "%s/%s.pub", dir, name);
	return slurp(path, pub, cap);
}

static void same_as_keygen(const char *name, const char *spec, const char *type, int bits)
{
	char pub[8192], cmd[512], lf[512], want[512], why[SSHKEY_WHY_MAX];
	size_t n = gen(name, spec, pub, sizeof pub);
	snprintf(cmd, sizeof cmd, "ssh-keygen -lf %s/%s.pub", dir, name);
	run(cmd, lf, sizeof lf);

	struct sshkey *k = NULL;
	int rc = sshkey_parse(pub, n, "laptop", &k, why);
	if (rc != 0) {
		print_error("%s refused: %s\n", name, why);
		fail();
	}
	/* "<bits> SHA256:... alice@laptop (<TYPE>)\n" */
	snprintf(want, sizeof want, "%d %s alice@laptop (", k->bits, k->fingerprint);
	if (strncmp(lf, want, strlen(want)) != 0) {
		print_error("ssh-keygen -lf: %s  we: %s\n", lf, want);
		fail();
	}
	assert_string_equal(k->type, type);
	assert_int_equal(k->bits, bits);
	/* the stored line is the .pub's type and base64, with our name as comment */
	char *sp = strchr(strchr(pub, ' ') + 1, ' ');
	assert_non_null(sp);
	assert_int_equal(strncmp(k->line, pub, (size_t)(sp - pub)), 0);
	assert_string_equal(k->line + (sp - pub), " laptop");

	/* the %t %k pair sshd would pass gives the same key */
	char t[64], b64[8192];
	assert_int_equal(sscanf(pub, "%63s %8191s", t, b64), 2);
	struct sshkey *k2 = NULL;
	assert_int_equal(sshkey_parse_pair(t, b64, &k2, why), 0);
	assert_string_equal(k2->fingerprint, k->fingerprint);
	assert_string_equal(k2->sha256_hex, k->sha256_hex);
	sshkey_free(k2);
	sshkey_free(k);
}

static void test_rsa(void **state)
{
	(void)state;
	same_as_keygen("rsa2048", "rsa -b 2048", "ssh-rsa", 2048);
	same_as_keygen("rsa3072", "rsa -b 3072", "ssh-rsa", 3072);
	same_as_keygen("rsa4096", "rsa -b 4096", "ssh-rsa", 4096);
}

static void test_ecdsa(void **state)
{
	(void)state;
	same_as_keygen("ec256", "ecdsa -b 256", "ecdsa-sha2-nistp256", 256);
	same_as_keygen("ec384", "ecdsa -b 384", "ecdsa-sha2-nistp384", 384);
	same_as_keygen("ec521", "ecdsa -b 521", "ecdsa-sha2-nistp521", 521);
}

static void test_ed25519(void **state)
{
	(void)state;
	same_as_keygen("ed", "ed25519", "ssh-ed25519", 256);
}

static void refused_file(const char *path, const char *words)
{
	char text[16384], why[SSHKEY_WHY_MAX];
	size_t n = slurp(path, text, sizeof text);
	struct sshkey *k = NULL;
	int rc = sshkey_parse(text, n, NULL, &k, why);
	assert_null(k);
	if (rc != PP_EINVAL || !strstr(why, words)) {
		print_error("%s: got %d \"%s\", wanted \"%s\"\n", path, rc, why, words);
		fail();
	}
}

static void test_refused(void **state)
{
	(void)state;
	char pub[8192], path[256], cmd[512], out[16];
	gen("rsa1024", "rsa -b 1024", pub, sizeof pub);
	snprintf(path, sizeof path, "%s/rsa1024.pub", dir);
	refused_file(path, "is an RSA key of 1024 bits: RSA keys must have at least 2048 bits");
	gen("dsa", "dsa", pub, sizeof pub);
	snprintf(path, sizeof path, "%s/dsa.pub", dir);
	refused_file(path, "DSA key (ssh-dss)");

	gen("priv", "ed25519", pub, sizeof pub);
	snprintf(path, sizeof path, "%s/priv", dir);
	refused_file(path, "is a private key: paste the public key, the .pub file");
	snprintf(cmd, sizeof cmd, "ssh-keygen -e -f %s/priv.pub > %s/priv.rfc", dir, dir);
	run(cmd, out, sizeof out);
	snprintf(path, sizeof path, "%s/priv.rfc", dir);
	refused_file(path, "`ssh-keygen -i -f FILE`");
	gen("pem", "ecdsa -b 256", pub, sizeof pub);
	snprintf(cmd, sizeof cmd, "ssh-keygen -e -m PKCS8 -f %s/pem.pub > %s/pem.pkcs8", dir, dir);
	run(cmd, out, sizeof out);
	snprintf(path, sizeof path, "%s/pem.pkcs8", dir);
	refused_file(path, "`ssh-keygen -i -m PKCS8 -f FILE`");
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128], out[16];
	snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", dir);
	run(cmd, out, sizeof out);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rsa),
	        cmocka_unit_test(test_ecdsa),
	        cmocka_unit_test(test_ed25519),
	        cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
