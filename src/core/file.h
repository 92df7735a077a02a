/* Whole-buffer file I/O that survives short reads/writes and EINTR, and
 * the durable replace of a file (temporary file, fsync, rename, fsync of
 * the directory) so a reader never sees half a file and a crash after
 * success keeps it. Used for the personal-data key and inspection photos. */
#ifndef PCCC_CORE_FILE_H
#define PCCC_CORE_FILE_H
#include <stddef.h>
#include <sys/types.h>

/* 0 when all n bytes were read / written, else -1 (errno set; a read
 * that meets the end of the file early fails with errno 0). */
int file_read_all(int fd, void *p, size_t n);
int file_write_all(int fd, const void *p, size_t n);
/* fsync of the directory that holds path (its entries, after a create or
 * rename); errors are ignored, as not every file system supports it. */
void file_sync_dir(const char *path);
/* Writes data to path durably: path.tmp.PID.N in the same directory,
 * fsync, rename over path, fsync of the directory. 0 or -1 (logged
 * by the caller; the temporary file is removed). */
int file_put_atomic(const char *path, const void *data, size_t len, mode_t mode);

#endif
