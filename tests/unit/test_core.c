/* Core building blocks: buf, arena, the injectable clock, config parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/config.h"

static void test_buf(void **state)
{
	(void)state;
	struct buf b = {0};
	assert_string_equal(buf_str(&b), "");
	buf_puts(&b, "Hà ");
	buf_printf(&b, "%d-%s", 126, "xã");
	assert_string_equal(buf_str(&b), "Hà 126-xã");
	buf_consume(&b, 4);
	assert_string_equal(buf_str(&b), "126-xã");
	for (int i = 0; i < 10000; i++)
		buf_putc(&b, 'x');
	assert_int_equal(b.len, strlen("126-xã") + 10000);
	char *s = buf_take(&b);
	assert_null(b.data);
	assert_int_equal(strlen(s), strlen("126-xã") + 10000);
	free(s);
	buf_free(&b);
}

static int deferred;
static void on_free(void *p)
{
	deferred += *(int *)p;
}

static void test_arena(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	char *p = arena_alloc(a, 3);
	assert_int_equal((uintptr_t)p % 16, 0);
	char *big = arena_zalloc(a, 100000);
	assert_int_equal(big[99999], 0);
	assert_string_equal(arena_printf(a, "%s/%d", "01", 7), "01/7");
	assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
	static int v = 5;
	arena_defer(a, on_free, &v);
	deferred = 0;
	arena_free(a);
	assert_int_equal(deferred, 5);
}

static void test_clock_fake(void **state)
{
	(void)state;
	clock_set_fake(1764081926123LL);
	assert_int_equal(clock_now_ms(), 1764081926123LL);
	assert_int_equal(clock_now_s(), 1764081926LL);
	clock_advance_ms(1000);
	assert_int_equal(clock_mono_ms(), 1764081927123LL);
	char iso[40];
	clock_format_iso(clock_now_ms(), iso, sizeof iso);
	assert_string_equal(iso, "2025-11-25T14:45:27.123Z");
	/* A wall-clock step leaves the monotonic clock where it was. */
	clock_step_wall_ms(41000);
	assert_int_equal(clock_now_ms(), 1764081968123LL);
	assert_int_equal(clock_mono_ms(), 1764081927123LL);
	clock_set_fake(1764081926123LL);
	assert_int_equal(clock_now_ms(), clock_mono_ms());
	clock_set_real();
	assert_true(clock_now_ms() > 1764081926123LL);
}

static void test_config(void **state)
{
	(void)state;
	struct config c;
	char *argv[] = {"serve", "--db=/tmp/x.db", "--http", "0.0.0.0:9", "--alarm", "127.0.0.1:7",
			"--data", "/tmp/d", "--threads", "3"};
	unsetenv("PCCC_DB");
	assert_int_equal(config_parse(&c, 10, argv, 1), 0);
	assert_string_equal(c.db, "/tmp/x.db");
	assert_string_equal(c.http, "0.0.0.0:9");
	assert_string_equal(c.alarm, "127.0.0.1:7");
	assert_int_equal(c.threads, 3);
	config_free(&c);

	setenv("PCCC_DATA", "/srv/pccc", 1);
	char *argv2[] = {"serve"};
	assert_int_equal(config_parse(&c, 1, argv2, 1), 0);
	assert_string_equal(c.db, "/srv/pccc/pccc.db"); /* DIR/pccc.db without --db */
	config_free(&c);
	unsetenv("PCCC_DATA");

	char *argv3[] = {"serve", "--bogus", "1"};
	assert_int_equal(config_parse(&c, 3, argv3, 1), -1);
	config_free(&c);
	char *argv4[] = {"serve", "--db"};
	assert_int_equal(config_parse(&c, 2, argv4, 1), -1);
	config_free(&c);

	char host[64];
	unsigned port;
	assert_int_equal(config_split_hostport("127.0.0.1:8080", host, sizeof host, &port), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 8080);
	assert_int_equal(config_split_hostport("[::1]:0", host, sizeof host, &port), 0);
	assert_string_equal(host, "::1");
	assert_int_equal(config_split_hostport("nohost", host, sizeof host, &port), -1);
	assert_int_equal(config_split_hostport("h:99999", host, sizeof host, &port), -1);
	assert_int_equal(config_split_hostport(":80", host, sizeof host, &port), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buf),
	    cmocka_unit_test(test_arena),
	    cmocka_unit_test(test_clock_fake),
	    cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
