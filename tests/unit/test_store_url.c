/* store_url_redacted: the database URL printed in logs and banners never
 * carries the password. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"

static void check(const char *in, const char *want)
{
	char *got = store_url_redacted(in);
	assert_string_equal(got, want);
	free(got);
}

static void test_sqlite_paths_unchanged(void **state)
{
	(void)state;
	check("/var/lib/pccc/pccc.db", "/var/lib/pccc/pccc.db");
	check("data/pccc.db", "data/pccc.db");
	check(NULL, "");
}

static void test_userinfo_password_masked(void **state)
{
	(void)state;
	check("postgres://pccc:s3cr3t@db.local:5432/pccc", "postgres://pccc:***@db.local:5432/pccc");
	check("postgresql://u:p%40ss@h/db", "postgresql://u:***@h/db");
	/* '@' inside the password: the last '@' before the path ends it */
	check("postgres://u:a@b@h/db", "postgres://u:***@h/db");
	check("postgres://pccc@h/db", "postgres://pccc@h/db");
	check("postgres:///pccc?host=/tmp", "postgres:///pccc?host=/tmp");
}

static void test_query_password_masked(void **state)
{
	(void)state;
	check("postgres://h/db?user=u&password=xyz&sslmode=require",
	      "postgres://h/db?user=u&password=***&sslmode=require");
	check("postgres://h/db?password=xyz", "postgres://h/db?password=***");
	/* a parameter that merely ends in "password=" is not the password */
	check("postgres://h/db?application_name=nopassword=1", "postgres://h/db?application_name=nopassword=1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sqlite_paths_unchanged),
	    cmocka_unit_test(test_userinfo_password_masked),
	    cmocka_unit_test(test_query_password_masked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
