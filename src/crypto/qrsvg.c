/* qrsvg.c - QR codes as self-contained SVG with libqrencode (see qrsvg.h). */
#include "crypto/qrsvg.h"

#include <errno.h>
#include <qrencode.h>
#include <string.h>

#include "util/err.h"

static int render_path(const QRcode *qr, struct buf *out)
{
	int rc = 0;
	int w = qr->width;
	for (int y = 0; y < w && rc == 0; y++) {
		const unsigned char *row = qr->data + (size_t)y * (size_t)w;
		int x = 0;
		while (x < w && rc == 0) {
			if (!(row[x] & 1)) { /* bit 0 of a module: dark */
				x++;
				continue;
			}
			int start = x;
			while (x < w && (row[x] & 1))
				x++;
			rc = buf_appendf(out, "M%d,%dh%dv1h-%dz", start + QRSVG_QUIET,
			                 y + QRSVG_QUIET, x - start, x - start);
		}
	}
	return rc;
}

int qrsvg_render(const char *text, struct buf *out, struct qrsvg_info *info)
{
	size_t start = out->len;
	QRcode *qr = NULL;
	int rc = 0;
	if (!text || text[0] == 0 || strnlen(text, QRSVG_TEXT_MAX + 1) > QRSVG_TEXT_MAX)
		return PP_EINVAL;
	errno = 0;
	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr) {
		rc = errno == ENOMEM ? PP_ENOMEM : PP_EINVAL;
		goto out;
	}
	int dim = qr->width + 2 * QRSVG_QUIET;
	if ((rc = buf_appendf(out,
	                      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	                      "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\">"
	                      "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
	                      "<path fill=\"#000\" d=\"",
	                      dim, dim, dim * QRSVG_SCALE_PX, dim * QRSVG_SCALE_PX, dim, dim)) !=
	            0 ||
	    (rc = render_path(qr, out)) != 0 || (rc = buf_appendz(out, "\"/></svg>")) != 0)
		goto out;
	if (info) {
		info->version = qr->version;
		info->width = qr->width;
	}
out:
	QRcode_free(qr);
	if (rc != 0 && out->cap > 0) {
		out->len = start;
		out->data[start] = 0;
	}
	return rc;
}
