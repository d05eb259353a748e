/* fs.c - file-system helpers (see fs.h). */
#include "util/fs.h"
#include "util/err.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

int fs_mkdir_p(const char *path, mode_t mode)
{
	char tmp[FS_PATH_MAX];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof tmp)
		return n ? PP_ETOOBIG : PP_EINVAL;
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1;; p++) {
		if (*p != '/' && *p != 0)
			continue;
		char c = *p;
		*p = 0;
		int r = mkdir(tmp, mode);
		int e = errno;
		*p = c;
		if (r != 0 && e != EEXIST)
			return PP_EIO;
		if (c == 0)
			return 0;
	}
}
