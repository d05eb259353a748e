/*
 * qrsvg.h - a string as a QR code in SVG (libqrencode), for the otpauth:// URI an
 * authenticator app scans when 2FA is turned on. Served inline, so the SVG is
 * self-contained: no script, no style sheet, no external reference.
 *
 * Shape: error correction level M, a quiet zone of 4 modules on each side, one unit
 * per module:
 *   <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 W W" ...>
 *   <rect width="W" height="W" fill="#fff"/><path fill="#000" d="M x,y h n v1 h -n z ..."/>
 *   </svg>
 * with W = the symbol's width (17 + 4 * version) + 8, and one sub-path per
 * horizontal run of dark modules.
 */
#ifndef PP_QRSVG_H
#define PP_QRSVG_H

#include <stddef.h>

#include "util/buf.h"

#define QRSVG_TEXT_MAX 1024         /* bytes encoded (an otpauth URI is ~200) */
#define QRSVG_QUIET    4            /* modules of white border, as ISO/IEC 18004 asks */
#define QRSVG_SCALE_PX 4            /* default display size: pixels per module */
#define QRSVG_SVG_MAX  (256 * 1024) /* enough for any text of QRSVG_TEXT_MAX bytes */

struct qrsvg_info {
	int version; /* 1..40 */
	int width;   /* modules per side, without the quiet zone */
};

/*
 * Appends the SVG of text (1..QRSVG_TEXT_MAX bytes) to out and, when info is not
 * NULL, fills it. 0; PP_EINVAL (empty or too long text, or text libqrencode cannot
 * encode); PP_ENOMEM; PP_ETOOBIG (out's cap; give it QRSVG_SVG_MAX). On failure out
 * is left as it was.
 */
int qrsvg_render(const char *text, struct buf *out, struct qrsvg_info *info);

#endif
