/* Tests for alarm/cid.c, sia.c and codes.c: Contact ID `QEEE GG ZZZ`
 * (qualifiers, restore, unknown codes, malformed data), SIA DC-04 blocks
 * (N prefix, ri/id/ti modifiers carried forward, several events, 'A' text,
 * limits), the embedded code table against ../shared/data/alarm_codes.csv
 * row by row, class names, and alarm_payload_decode on whole frames. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alarm/event.h"

static struct alarm_event ev[ALARM_FRAME_EVENTS_MAX];

static void test_cid_new_alarm(void **state)
{
	size_t n = 9;

	(void)state;
	assert_int_equal(cid_payload_decode("1110 00 129", ev, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].code, "110");
	assert_int_equal(ev[0].cid, 110);
	assert_string_equal(ev[0].sia, "FA");
	assert_int_equal(ev[0].qualifier, 1);
	assert_int_equal(ev[0].cls, ALARM_CLASS_ALARM);
	assert_false(ev[0].restore);
	assert_false(ev[0].unknown);
	assert_string_equal(ev[0].area, "00");
	assert_string_equal(ev[0].zone, "129");
}

static void test_cid_restore_status_unknown(void **state)
{
	size_t n;

	(void)state;
	assert_int_equal(cid_payload_decode("3110 02 005", ev, 4, &n), 0);
	assert_int_equal(ev[0].cls, ALARM_CLASS_ALARM);
	assert_true(ev[0].restore);
	assert_string_equal(ev[0].sia, "FH");

	assert_int_equal(cid_payload_decode("6373 00 001", ev, 4, &n), 0);
	assert_int_equal(ev[0].cls, ALARM_CLASS_TROUBLE);
	assert_int_equal(ev[0].qualifier, 6);
	assert_false(ev[0].restore);
	assert_string_equal(ev[0].sia, "FT");

	/* 401 (open/close by user) is not in the table: status, unknown,
	 * and still a restore because the qualifier says so. */
	assert_int_equal(cid_payload_decode("3401 01 057", ev, 4, &n), 0);
	assert_int_equal(ev[0].cid, 401);
	assert_int_equal(ev[0].cls, ALARM_CLASS_STATUS);
	assert_true(ev[0].unknown);
	assert_true(ev[0].restore);
	assert_string_equal(ev[0].sia, "");
	assert_string_equal(ev[0].zone, "057");

	/* A test code without a restore code. */
	assert_int_equal(cid_payload_decode("1602 00 000", ev, 4, &n), 0);
	assert_int_equal(ev[0].cls, ALARM_CLASS_TEST);
	assert_string_equal(ev[0].sia, "RP");
	assert_int_equal(cid_payload_decode("1118 00 003", ev, 4, &n), 0);
	assert_int_equal(ev[0].cls, ALARM_CLASS_PREALARM);
	assert_int_equal(cid_payload_decode("1571 01 004", ev, 4, &n), 0);
	assert_int_equal(ev[0].cls, ALARM_CLASS_DISABLE);
	assert_int_equal(cid_payload_decode("1201 01 004", ev, 4, &n), 0);
	assert_int_equal(ev[0].cls, ALARM_CLASS_SUPERVISORY);
}

static void test_cid_forms(void **state)
{
	size_t n;

	(void)state;
	assert_int_equal(cid_payload_decode("111000129", ev, 4, &n), 0);
	assert_string_equal(ev[0].zone, "129");
	assert_int_equal(cid_payload_decode("1110 00 129  ", ev, 4, &n), 0);
	assert_int_equal(cid_payload_decode("2110 00 129", ev, 4, &n), -1);
	assert_int_equal(cid_payload_decode("111 00 129", ev, 4, &n), -1);
	assert_int_equal(cid_payload_decode("1110 00 12", ev, 4, &n), -1);
	assert_int_equal(cid_payload_decode("1110 00 129x", ev, 4, &n), -1);
	assert_int_equal(cid_payload_decode("1110  00 129", ev, 4, &n), -1);
	assert_int_equal(cid_payload_decode("", ev, 4, &n), -1);
	assert_int_equal(cid_payload_decode("1110 00 129", ev, 0, &n), -1);
	assert_int_equal(n, 0);
}

static void test_sia_single(void **state)
{
	size_t n;

	(void)state;
	assert_int_equal(sia_payload_decode("NFA129", ev, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].code, "FA");
	assert_string_equal(ev[0].sia, "FA");
	assert_int_equal(ev[0].cid, 110);
	assert_int_equal(ev[0].cls, ALARM_CLASS_ALARM);
	assert_false(ev[0].restore);
	assert_string_equal(ev[0].zone, "129");
	assert_int_equal(ev[0].qualifier, 0);
	/* Without the N. */
	assert_int_equal(sia_payload_decode("FA129", ev, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].zone, "129");
}

static void test_sia_several_with_modifiers(void **state)
{
	size_t n;

	(void)state;
	assert_int_equal(sia_payload_decode("Nri1/FA129/FH129/ri2/KA7", ev, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(ev[0].area, "1");
	assert_false(ev[0].restore);
	assert_string_equal(ev[1].code, "FH");
	assert_int_equal(ev[1].cls, ALARM_CLASS_ALARM);
	assert_true(ev[1].restore);
	assert_string_equal(ev[1].area, "1");
	assert_string_equal(ev[2].area, "2");
	assert_int_equal(ev[2].cid, 114);

	assert_int_equal(sia_payload_decode("Nti18:22/id12/ri2/YT|NYR3", ev, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].dev_time, "18:22");
	assert_string_equal(ev[0].user, "12");
	assert_int_equal(ev[0].cls, ALARM_CLASS_TROUBLE);
	assert_string_equal(ev[0].zone, "");
	assert_string_equal(ev[1].code, "YR");
	assert_true(ev[1].restore);
	assert_string_equal(ev[1].user, "12");
	assert_string_equal(ev[1].zone, "3");

	/* Modifier and code in one field, text after the address. */
	assert_int_equal(sia_payload_decode("Nri1FS0001*Pump room*", ev, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].area, "1");
	assert_string_equal(ev[0].zone, "0001");
	assert_string_equal(ev[0].text, "*Pump room*");
	assert_int_equal(ev[0].cls, ALARM_CLASS_SUPERVISORY);
	/* An unknown modifier is read and ignored. */
	assert_int_equal(sia_payload_decode("Npi3/FT2", ev, 8, &n), 0);
	assert_int_equal(ev[0].cls, ALARM_CLASS_TROUBLE);
	assert_string_equal(ev[0].area, "");
}

static void test_sia_text_unknown_limits(void **state)
{
	static char big[1024];
	size_t n;

	(void)state;
	assert_int_equal(sia_payload_decode("NRR|Atest", ev, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].code, "RR");
	assert_int_equal(ev[0].cls, ALARM_CLASS_STATUS);
	assert_true(ev[0].unknown);
	assert_false(ev[0].restore);
	assert_int_equal(ev[0].cid, 0);
	assert_string_equal(ev[0].text, "test");
	/* Empty data and a bare N: no events. */
	assert_int_equal(sia_payload_decode("", ev, 8, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(sia_payload_decode("N", ev, 8, &n), 0);
	assert_int_equal(n, 0);
	/* "OP" is a code, not an 'O' block prefix. */
	assert_int_equal(sia_payload_decode("OP0001", ev, 8, &n), 0);
	assert_string_equal(ev[0].code, "OP");
	assert_string_equal(ev[0].zone, "0001");
	/* Malformed. */
	assert_int_equal(sia_payload_decode("Nfa", ev, 8, &n), -1);
	assert_int_equal(sia_payload_decode("N1FA", ev, 8, &n), -1);
	assert_int_equal(sia_payload_decode("NFA1/x", ev, 8, &n), -1);
	assert_int_equal(sia_payload_decode("N F", ev, 8, &n), -1);
	assert_int_equal(sia_payload_decode("Nri123456789/FA1", ev, 8, &n), -1);
	assert_int_equal(sia_payload_decode("NFA123456789", ev, 8, &n), -1);
	/* Capacity. */
	assert_int_equal(sia_payload_decode("NFA1/FA2/FA3", ev, 2, &n), -1);
	strcpy(big, "N");
	for (int i = 0; i < ALARM_FRAME_EVENTS_MAX; i++)
		strcat(big, i ? "/FA1" : "FA1");
	assert_int_equal(sia_payload_decode(big, ev, ALARM_FRAME_EVENTS_MAX, &n), 0);
	assert_int_equal(n, ALARM_FRAME_EVENTS_MAX);
	strcat(big, "/FA1");
	assert_int_equal(sia_payload_decode(big, ev, ALARM_FRAME_EVENTS_MAX, &n), -1);
	/* Long text is cut to the field, not overrun. */
	memset(big, 'x', 300);
	memcpy(big, "NFA1", 4);
	big[300] = '\0';
	assert_int_equal(sia_payload_decode(big, ev, 8, &n), 0);
	assert_int_equal(strlen(ev[0].text), ALARM_TEXT_MAX - 1);
}

/* The embedded table equals the CSV in ../shared/data, row for row. */
static void test_table_matches_csv(void **state)
{
	const char *env = getenv("PCCC_SHARED");
	const char *roots[] = {env, "../shared", "../../shared", "../../../shared"};
	char path[512], line[512];
	FILE *f = NULL;
	size_t rows = 0, n;

	(void)state;
	for (size_t i = 0; i < 4 && !f; i++) {
		if (!roots[i])
			continue;
		snprintf(path, sizeof path, "%s/data/alarm_codes.csv", roots[i]);
		f = fopen(path, "r");
	}
	assert_non_null(f);
	const struct alarm_code *table = alarm_code_table(&n);
	assert_non_null(fgets(line, sizeof line, f)); /* header */
	while (fgets(line, sizeof line, f)) {
		char *fields[5], *p = line;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		for (int k = 0; k < 5; k++) {
			fields[k] = p;
			p = strchr(p, ',');
			if (k < 4) {
				assert_non_null(p);
				*p++ = '\0';
			}
		}
		assert_true(rows < n);
		const struct alarm_code *c = alarm_code_by_cid(atoi(fields[0]));
		assert_non_null(c);
		assert_ptr_equal(c, &table[rows]);
		assert_string_equal(c->en, fields[1]);
		assert_string_equal(c->sia_new, fields[2]);
		assert_string_equal(c->sia_restore, fields[3]);
		assert_string_equal(alarm_class_name(c->cls), fields[4]);
		assert_true(strlen(c->vi) > 0);
		rows++;
	}
	fclose(f);
	assert_int_equal(rows, n);
}

static void test_sia_lookup_and_classes(void **state)
{
	int restore = -1;
	enum alarm_class c;

	(void)state;
	assert_int_equal(alarm_code_by_sia("FA", &restore)->cid, 110);
	assert_int_equal(restore, 0);
	assert_int_equal(alarm_code_by_sia("FH", &restore)->cid, 110);
	assert_int_equal(restore, 1);
	assert_int_equal(alarm_code_by_sia("YK", &restore)->cls, ALARM_CLASS_TROUBLE);
	assert_int_equal(restore, 1);
	assert_null(alarm_code_by_sia("ZZ", &restore));
	assert_null(alarm_code_by_sia("", &restore));
	assert_null(alarm_code_by_cid(999));
	assert_string_equal(alarm_class_name(ALARM_CLASS_SUPERVISORY), "supervisory");
	assert_string_equal(alarm_class_label_vi(ALARM_CLASS_TROUBLE), "Sự cố");
	assert_int_equal(alarm_class_parse("disable", &c), 0);
	assert_int_equal(c, ALARM_CLASS_DISABLE);
	assert_int_equal(alarm_class_parse("fire", &c), -1);
	assert_int_equal(alarm_class_parse(NULL, &c), -1);
}

static void frame_set(struct dc09_frame *f, const char *id, const char *acct, const char *data)
{
	memset(f, 0, sizeof *f);
	strcpy(f->id, id);
	strcpy(f->seq, "0001");
	strcpy(f->line, "0");
	if (acct) {
		f->acct_mark = '#';
		strcpy(f->account, acct);
	}
	strcpy(f->data, data);
}

static void test_payload_decode_frames(void **state)
{
	struct dc09_frame f;
	size_t n;

	(void)state;
	frame_set(&f, "SIA-DCS", "12345A", "#12345A|NFA129/FA130");
	assert_int_equal(alarm_payload_decode(&f, ev, 8, &n), 0);
	assert_int_equal(n, 2);
	assert_ptr_equal(ev[0].frame, &f);
	assert_int_equal(ev[1].index, 1);
	assert_string_equal(ev[1].account, "12345A");
	assert_string_equal(ev[1].zone, "130");

	/* The data's account when the header has none. */
	frame_set(&f, "ADM-CID", NULL, "#4F39|3401 01 057");
	assert_int_equal(alarm_payload_decode(&f, ev, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].account, "4F39");
	assert_true(ev[0].restore);

	/* No "#acct|" at all. */
	frame_set(&f, "ADM-CID", "1234", "1110 00 129");
	assert_int_equal(alarm_payload_decode(&f, ev, 8, &n), 0);
	assert_int_equal(n, 1);

	frame_set(&f, "SIA-DCS", "1234", "");
	assert_int_equal(alarm_payload_decode(&f, ev, 8, &n), 0);
	assert_int_equal(n, 0);
	frame_set(&f, "ADM-CID", "1234", "#1234|");
	assert_int_equal(alarm_payload_decode(&f, ev, 8, &n), 0);
	assert_int_equal(n, 0);

	frame_set(&f, "NULL", "1234", "");
	assert_int_equal(alarm_payload_decode(&f, ev, 8, &n), -1);
	frame_set(&f, "ADM-CID", "1234", "#12G4|1110 00 129");
	assert_int_equal(alarm_payload_decode(&f, ev, 8, &n), -1);
	frame_set(&f, "ADM-CID", "1234", "#12345678901234567|1110 00 129");
	assert_int_equal(alarm_payload_decode(&f, ev, 8, &n), -1);
	frame_set(&f, "ADM-CID", "1234", "#1234|9999");
	assert_int_equal(alarm_payload_decode(&f, ev, 8, &n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cid_new_alarm),
		cmocka_unit_test(test_cid_restore_status_unknown),
		cmocka_unit_test(test_cid_forms),
		cmocka_unit_test(test_sia_single),
		cmocka_unit_test(test_sia_several_with_modifiers),
		cmocka_unit_test(test_sia_text_unknown_limits),
		cmocka_unit_test(test_table_matches_csv),
		cmocka_unit_test(test_sia_lookup_and_classes),
		cmocka_unit_test(test_payload_decode_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
