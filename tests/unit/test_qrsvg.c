/*
 * test_qrsvg.c - the QR code SVG: well-formed and self-contained, its size matches
 * the QR version, its dark modules are exactly libqrencode's (ECC M) inside a 4-module
 * quiet zone, and - when zbarimg and rsvg-convert are installed (scripts/deps.sh test)
 * - a QR reader decodes the rendered picture back to the otpauth URI.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/qrsvg.h"
#include "util/buf.h"
#include "util/err.h"

static const char uri[] = "otpauth://totp/paasport:alice%40example.com"
                          "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=paasport"
                          "&algorithm=SHA1&digits=6&period=30";

static int count(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/*
 * Parses the SVG's path into dim*dim cells (1 = dark) and checks its frame; returns
 * the grid (caller frees) and sets *dim from the viewBox.
 */
static unsigned char *parse_svg(const char *svg, int *dim)
{
	int w = 0, h = 0;
	assert_int_equal(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" ", 40), 0);
	const char *vb = strstr(svg, "viewBox=\"0 0 ");
	assert_non_null(vb);
	assert_int_equal(sscanf(vb, "viewBox=\"0 0 %d %d\"", &w, &h), 2);
	assert_int_equal(w, h);
	size_t len = strlen(svg);
	assert_true(len > 6 && strcmp(svg + len - 6, "</svg>") == 0);
	assert_int_equal(count(svg, "<svg"), 1);
	assert_int_equal(count(svg, "</svg>"), 1);
	assert_int_equal(count(svg, "<path"), 1);
	/* self-contained: nothing fetched, nothing run */
	assert_null(strstr(svg, "href"));
	assert_null(strstr(svg, "<script"));
	assert_null(strstr(svg, "<style"));
	assert_null(strstr(svg, "<image"));
	assert_null(strstr(svg, "url("));
	assert_null(strstr(svg, " on")); /* no event handler attribute */

	unsigned char *grid = calloc((size_t)w * (size_t)w, 1);
	assert_non_null(grid);
	const char *d = strstr(svg, " d=\"");
	assert_non_null(d);
	d += 4;
	while (*d == 'M') {
		int x, y, n, n2, used = 0;
		assert_int_equal(sscanf(d, "M%d,%dh%dv1h-%dz%n", &x, &y, &n, &n2, &used), 4);
		assert_true(used > 0);
		assert_int_equal(n, n2);
		assert_true(n > 0 && x >= 0 && y >= 0 && x + n <= w && y < w);
		for (int i = 0; i < n; i++) {
			assert_int_equal(grid[y * w + x + i], 0); /* runs never overlap */
			grid[y * w + x + i] = 1;
		}
		d += used;
	}
	assert_int_equal(strncmp(d, "\"/></svg>", 9), 0);
	*dim = w;
	return grid;
}

static void check_matches_libqrencode(const char *text, int want_version)
{
	struct buf b;
	struct qrsvg_info info = {0, 0};
	buf_init(&b, QRSVG_SVG_MAX);
	assert_int_equal(qrsvg_render(text, &b, &info), 0);
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(qr);
	assert_int_equal(info.version, qr->version);
	assert_int_equal(info.width, qr->width);
	if (want_version)
		assert_int_equal(info.version, want_version);
	assert_int_equal(info.width, 17 + 4 * info.version); /* ISO/IEC 18004 */

	int dim = 0;
	unsigned char *grid = parse_svg(b.data, &dim);
	assert_int_equal(dim, qr->width + 2 * QRSVG_QUIET);
	for (int y = 0; y < dim; y++)
		for (int x = 0; x < dim; x++) {
			int qx = x - QRSVG_QUIET, qy = y - QRSVG_QUIET;
			int dark = 0;
			if (qx >= 0 && qy >= 0 && qx < qr->width && qy < qr->width)
				dark = qr->data[qy * qr->width + qx] & 1;
			assert_int_equal(grid[y * dim + x], dark);
		}
	/* the finder pattern's corner module is dark, just inside the quiet zone */
	assert_int_equal(grid[QRSVG_QUIET * dim + QRSVG_QUIET], 1);
	free(grid);
	QRcode_free(qr);
	buf_release(&b);
}

static void test_modules(void **state)
{
	(void)state;
	check_matches_libqrencode("HELLO", 1); /* 21 x 21 */
	check_matches_libqrencode(uri, 0);
	char longtext[QRSVG_TEXT_MAX + 1];
	memset(longtext, 'x', QRSVG_TEXT_MAX);
	longtext[QRSVG_TEXT_MAX] = 0;
	check_matches_libqrencode(longtext, 0);
}

static void test_refused(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, QRSVG_SVG_MAX);
	assert_int_equal(qrsvg_render("", &b, NULL), PP_EINVAL);
	assert_int_equal(qrsvg_render(NULL, &b, NULL), PP_EINVAL);
	char longtext[QRSVG_TEXT_MAX + 2];
	memset(longtext, 'x', QRSVG_TEXT_MAX + 1);
	longtext[QRSVG_TEXT_MAX + 1] = 0;
	assert_int_equal(qrsvg_render(longtext, &b, NULL), PP_EINVAL);
	assert_int_equal(b.len, 0);
	buf_release(&b);
	/* a buffer too small for the picture is left as it was */
	buf_init(&b, 1000);
	assert_int_equal(buf_appendz(&b, "keep"), 0);
	assert_int_equal(qrsvg_render(uri, &b, NULL), PP_ETOOBIG);
	assert_string_equal(b.data, "keep");
	buf_release(&b);
}

static int have(const char *cmd)
{
	char line[256];
	snprintf(line, sizeof line, "command -v %s >/dev/null 2>&1", cmd);
	return system(line) == 0;
}

/*
 * A real reader decodes the picture: rsvg-convert (librsvg2-bin) rasterises the SVG,
 * zbarimg (zbar-tools) reads the PNG. Skipped when either tool is missing.
 */
static void test_decodes(void **state)
{
	(void)state;
	if (!have("rsvg-convert") || !have("zbarimg")) {
		fprintf(stderr,
		        "test_decodes: rsvg-convert or zbarimg missing (scripts/deps.sh test)\n");
		skip();
	}
	char svg_path[] = "/tmp/pp_qrsvg_XXXXXX";
	int fd = mkstemp(svg_path);
	assert_true(fd >= 0);
	struct buf b;
	buf_init(&b, QRSVG_SVG_MAX);
	assert_int_equal(qrsvg_render(uri, &b, NULL), 0);
	assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
	close(fd);
	buf_release(&b);

	char cmd[512], out[1024] = "";
	snprintf(cmd, sizeof cmd,
	         "rsvg-convert -z 2 -b white -f png -o %s.png %s && zbarimg -q --nodbus --raw "
	         "%s.png",
	         svg_path, svg_path, svg_path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = 0;
	int st = pclose(p);
	snprintf(cmd, sizeof cmd, "%s.png", svg_path);
	unlink(cmd);
	unlink(svg_path);
	assert_int_equal(st, 0);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = 0;
	assert_string_equal(out, uri);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_modules),
	        cmocka_unit_test(test_refused),
	        cmocka_unit_test(test_decodes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
