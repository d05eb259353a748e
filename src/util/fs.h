/* fs.h - file-system helpers shared by the server and the CLI. */
#ifndef PP_FS_H
#define PP_FS_H

#include <sys/types.h>

#define FS_PATH_MAX 1024

/* mkdir -p: creates every missing directory of path with mode (an existing one is fine).
 * 0, PP_ETOOBIG for a path over FS_PATH_MAX, PP_EIO otherwise. */
int fs_mkdir_p(const char *path, mode_t mode);

#endif
