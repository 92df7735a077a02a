/* core/file: whole-buffer reads and writes, and the durable replace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/file.h"

static int count_entries(const char *dir)
{
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void test_put_atomic_writes_and_replaces(void **state)
{
	(void)state;
	char dir[] = "/tmp/pccc-file-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], got[32] = {0};
	snprintf(path, sizeof path, "%s/photo.jpg", dir);

	assert_int_equal(file_put_atomic(path, "first", 5, 0640), 0);
	assert_int_equal(file_put_atomic(path, "second!", 7, 0640), 0);
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(file_read_all(fd, got, 7), 0);
	assert_string_equal(got, "second!");
	/* asking for more than the file holds fails */
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(file_read_all(fd, got, 8), -1);
	close(fd);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	assert_int_equal(count_entries(dir), 1); /* no temporary file left */

	/* a directory that does not exist: an error, nothing written */
	char bad[300];
	snprintf(bad, sizeof bad, "%s/none/x.jpg", dir);
	assert_int_equal(file_put_atomic(bad, "x", 1, 0640), -1);
	assert_int_equal(count_entries(dir), 1);

	unlink(path);
	rmdir(dir);
}

static void test_write_all(void **state)
{
	(void)state;
	int p[2];
	char out[4] = {0};
	assert_int_equal(pipe(p), 0);
	assert_int_equal(file_write_all(p[1], "abc", 3), 0);
	close(p[1]);
	assert_int_equal(file_read_all(p[0], out, 3), 0);
	assert_string_equal(out, "abc");
	assert_int_equal(file_read_all(p[0], out, 1), -1); /* end of input */
	close(p[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_put_atomic_writes_and_replaces),
	    cmocka_unit_test(test_write_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
