/* Integration tests for alarm/rx.c with the in-memory sink: a real
 * receiver on 127.0.0.1 (free port) spoken to over TCP (whole, split,
 * coalesced, half-closed, oversize, idle) and UDP; checks each ACK / NAK /
 * DUH reply byte-level where it matters, that each event is stored exactly
 * once (retransmissions, store failures), that one coalesced read is one
 * store_batch, encrypted frames and their time window, and supervision
 * calls. Time is the injectable fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "alarm/rx.h"
#include "alarm/stream.h"
#include "core/clock.h"
#include "core/log.h"

#define T_NOW 1593973492LL /* 2020-07-05 18:24:52 UTC, the *NULL vector's time */
#define KEY "AAAAAAAAAAAAAAAA"

#define V_SIA "CE110032\"SIA-DCS\"9876R579BDFL789ABC#12345A[#12345A|NFA129]"
#define V_CID "87CD0037\"ADM-CID\"9876R579BDFL789ABC#12345A[#12345A|1110 00 129]"
#define V_RR "F4D20029\"SIA-DCS\"0001RF3L77#1234[#1234|NRR|Atest]"
#define V_EMPTY "96ED0016\"SIA-DCS\"0001L0#1234[]"
#define V_NULL_ENC                                                                         \
	"76D80055\"*NULL\"0000R0L0#AAAB[B4BC8B40D0E6D959D6BEA78E88CC0B2155741A3C44FBB96D476A3E" \
	"557CAD64D9"
#define V_CID_RESTORE "5715002F\"ADM-CID\"0247R4F39L4F39#4F39[#4F39|3401 01 057]"

struct env {
	struct alarm_testsink *sink;
	struct alarm_rx *rx;
	unsigned port;
};

struct client {
	int fd;
	struct dc09_stream st;
	char rest[4096];
	size_t rest_len;
};

/* ---- helpers ---- */

static void set_timeout(int fd, int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

static struct sockaddr_in addr_of(unsigned port)
{
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sa;
}

static void client_open(struct client *c, unsigned port)
{
	struct sockaddr_in sa = addr_of(port);
	memset(c, 0, sizeof *c);
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(c->fd >= 0);
	assert_int_equal(connect(c->fd, (struct sockaddr *)&sa, sizeof sa), 0);
	set_timeout(c->fd, 5000);
	dc09_stream_init(&c->st);
}

static void client_close(struct client *c)
{
	close(c->fd);
}

static void send_raw(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		assert_true(w > 0);
		p += w;
		n -= (size_t)w;
	}
}

/* "\n" body "\r" for a frame given without LF/CR. */
static void send_frame(struct client *c, const char *fr)
{
	char buf[DC09_FRAME_MAX + 4];
	snprintf(buf, sizeof buf, "\n%s\r", fr);
	send_raw(c->fd, buf, strlen(buf));
}

/* Builds crc+len+body. */
static const char *wrap(const char *body, char *out, size_t cap)
{
	snprintf(out, cap, "%04X%04X%s", dc09_crc16(body, strlen(body)), (unsigned)strlen(body),
		 body);
	return out;
}

/* Reads the next reply frame; its raw text (without LF/CR) into raw. */
static void client_reply(struct client *c, struct dc09_frame *f, char *raw, size_t rawcap)
{
	for (;;) {
		size_t used = 0, fl = 0;
		const char *fr = NULL;
		if (c->rest_len) {
			int r = dc09_stream_feed(&c->st, c->rest, c->rest_len, &used, &fr, &fl);
			memmove(c->rest, c->rest + used, c->rest_len - used);
			c->rest_len -= used;
			if (r == DC09_STREAM_FRAME) {
				assert_true(fl < rawcap);
				memcpy(raw, fr, fl);
				raw[fl] = '\0';
				assert_int_equal(dc09_frame_parse(raw, fl, f), 0);
				return;
			}
			continue;
		}
		ssize_t n = recv(c->fd, c->rest, sizeof c->rest, 0);
		if (n <= 0)
			fail_msg("no reply (recv %zd)", n);
		c->rest_len = (size_t)n;
	}
}

static void expect_reply(struct client *c, const char *id, const char *seq)
{
	struct dc09_frame f;
	char raw[DC09_FRAME_MAX + 1];
	client_reply(c, &f, raw, sizeof raw);
	assert_string_equal(f.id, id);
	if (seq)
		assert_string_equal(f.seq, seq);
}

static int udp_exchange(unsigned port, const char *data, size_t len, struct dc09_frame *f)
{
	struct sockaddr_in sa = addr_of(port);
	char buf[2048];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	set_timeout(fd, 5000);
	assert_int_equal(sendto(fd, data, len, 0, (struct sockaddr *)&sa, sizeof sa), (ssize_t)len);
	ssize_t n = recv(fd, buf, sizeof buf, 0);
	close(fd);
	if (n <= 0)
		return -1;
	return dc09_frame_parse(buf, (size_t)n, f);
}

/* Waits (real time) until the sink holds n rows; the replies are sent
 * after the store, so this is for checks that do not wait on a reply. */
static size_t count(struct env *e)
{
	return alarm_testsink_count(e->sink);
}

/* ---- fixture ---- */

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	struct alarm_sink sink;
	struct rx_opts opts = {.idle_ms = 5000, .tick_ms = 20};

	log_set_level(LOG_ERROR);
	clock_set_fake(T_NOW * 1000);
	e->sink = alarm_testsink_new();
	if (alarm_testsink_add(e->sink, "12345A", NULL, 1) || alarm_testsink_add(e->sink, "1234", NULL, 2) ||
	    alarm_testsink_add(e->sink, "4F39", NULL, 3) || alarm_testsink_add(e->sink, "AAAB", KEY, 4))
		return -1;
	alarm_testsink_bind(e->sink, &sink);
	if (rx_start_opts("127.0.0.1:0", &sink, &opts, &e->rx) != 0)
		return -1;
	e->port = rx_port(e->rx);
	*state = e;
	return e->port ? 0 : -1;
}

static int teardown(void **state)
{
	struct env *e = *state;
	rx_stop(e->rx);
	alarm_testsink_free(e->sink);
	free(e);
	clock_set_real();
	return 0;
}

/* ---- tests ---- */

static void test_tcp_ack_and_store(void **state)
{
	struct env *e = *state;
	struct client c;
	struct dc09_frame f;
	char raw[DC09_FRAME_MAX + 1];
	struct alarm_testsink_row row;

	client_open(&c, e->port);
	send_frame(&c, V_SIA);
	client_reply(&c, &f, raw, sizeof raw);
	assert_string_equal(raw + 8, "\"ACK\"9876R579BDFL789ABC#12345A[]");
	assert_int_equal(count(e), 1);
	assert_int_equal(alarm_testsink_row_get(e->sink, 0, &row), 0);
	assert_string_equal(row.ev.account, "12345A");
	assert_string_equal(row.seq, "9876");
	assert_string_equal(row.data, "#12345A|NFA129");
	assert_string_equal(row.ev.code, "FA");
	assert_string_equal(row.ev.zone, "129");
	assert_int_equal(row.ev.cls, ALARM_CLASS_ALARM);
	assert_int_equal(row.ev.device_id, 1);
	assert_int_equal(row.ev.received_ms, T_NOW * 1000);
	/* A retransmission is ACKed again and not stored twice. */
	send_frame(&c, V_SIA);
	expect_reply(&c, "ACK", "9876");
	assert_int_equal(count(e), 1);
	client_close(&c);
}

static void test_tcp_split(void **state)
{
	struct env *e = *state;
	struct client c;
	char buf[256];
	size_t before = count(e);

	snprintf(buf, sizeof buf, "\n%s\r", V_CID);
	client_open(&c, e->port);
	send_raw(c.fd, buf, 5);
	usleep(30000);
	send_raw(c.fd, buf + 5, 30);
	usleep(30000);
	send_raw(c.fd, buf + 35, strlen(buf) - 35);
	expect_reply(&c, "ACK", "9876");
	assert_int_equal(count(e), before + 1);
	client_close(&c);
}

static void test_tcp_coalesced_one_batch(void **state)
{
	struct env *e = *state;
	struct client c;
	static const char buf[] = "\n" V_CID_RESTORE "\r\0\n" V_RR "\r  \n" V_EMPTY "\r";
	size_t before = count(e), batches;
	size_t heard, link0, link1;

	heard = alarm_testsink_heard(e->sink, &link0);
	(void)heard;
	client_open(&c, e->port);
	/* Warm up the connection so the three frames meet it accepted. */
	send_frame(&c, V_EMPTY);
	expect_reply(&c, "ACK", "0001");
	batches = alarm_testsink_batches(e->sink);
	send_raw(c.fd, buf, sizeof buf - 1);
	expect_reply(&c, "ACK", "0247");
	expect_reply(&c, "ACK", "0001");
	expect_reply(&c, "ACK", "0001");
	assert_int_equal(count(e), before + 2);
	/* One read, one commit for both events. */
	assert_int_equal(alarm_testsink_batches(e->sink), batches + 1);
	/* Both empty frames count as link tests. */
	alarm_testsink_heard(e->sink, &link1);
	assert_int_equal(link1, link0 + 2);
	client_close(&c);
}

static void test_udp(void **state)
{
	struct env *e = *state;
	struct dc09_frame f;
	char body[128], buf[256];
	size_t before = count(e);

	wrap("\"SIA-DCS\"0002L0#1234[#1234|NFA5]", body, sizeof body);
	snprintf(buf, sizeof buf, "\n%s\r", body);
	size_t len = strlen(buf);
	buf[len] = '\0';
	buf[len + 1] = '\0';
	assert_int_equal(udp_exchange(e->port, buf, len + 2, &f), 0);
	assert_string_equal(f.id, "ACK");
	assert_string_equal(f.seq, "0002");
	assert_string_equal(f.account, "1234");
	assert_int_equal(count(e), before + 1);
	/* Again: ACK, stored once. */
	assert_int_equal(udp_exchange(e->port, buf, len, &f), 0);
	assert_string_equal(f.id, "ACK");
	assert_int_equal(count(e), before + 1);
	/* Bad CRC over UDP. */
	buf[1] = buf[1] == '0' ? '1' : '0';
	assert_int_equal(udp_exchange(e->port, buf, len, &f), 0);
	assert_string_equal(f.id, "NAK");
	assert_int_equal(count(e), before + 1);
}

static void test_nak_carries_time_and_conn_survives(void **state)
{
	struct env *e = *state;
	struct client c;
	struct dc09_frame f;
	char raw[DC09_FRAME_MAX + 1], bad[128];

	snprintf(bad, sizeof bad, "%s", V_SIA);
	bad[strlen(bad) - 3] = '8';
	client_open(&c, e->port);
	send_frame(&c, bad);
	client_reply(&c, &f, raw, sizeof raw);
	assert_string_equal(raw + 8, "\"NAK\"0000R0L0A0[]_18:24:52,07-05-2020");
	send_frame(&c, "not a frame at all");
	expect_reply(&c, "NAK", "0000");
	send_frame(&c, V_SIA);
	expect_reply(&c, "ACK", "9876");
	client_close(&c);
}

static void test_duh(void **state)
{
	struct env *e = *state;
	struct client c;
	struct dc09_frame f;
	char raw[DC09_FRAME_MAX + 1], body[128];
	size_t before = count(e);

	client_open(&c, e->port);
	send_frame(&c, wrap("\"SIA-DCS\"0007R1L2#9999[#9999|NFA1]", body, sizeof body));
	client_reply(&c, &f, raw, sizeof raw);
	assert_string_equal(raw + 8, "\"DUH\"0007R1L2#9999[]");
	/* Unsupported id token and unsupported payload. */
	send_frame(&c, wrap("\"XYZ\"0008L0#1234[]", body, sizeof body));
	expect_reply(&c, "DUH", "0008");
	send_frame(&c, wrap("\"ADM-CID\"0009L0#1234[#1234|9]", body, sizeof body));
	expect_reply(&c, "DUH", "0009");
	/* No account anywhere. */
	send_frame(&c, wrap("\"SIA-DCS\"0010L0[NFA1]", body, sizeof body));
	expect_reply(&c, "DUH", "0010");
	/* Plain frame for an account that has a key. */
	send_frame(&c, wrap("\"SIA-DCS\"0011L0#AAAB[#AAAB|NFA1]", body, sizeof body));
	expect_reply(&c, "DUH", "0011");
	/* The account may come from the data when the header has none. */
	send_frame(&c, wrap("\"SIA-DCS\"0012L0[#1234|NFA12]", body, sizeof body));
	expect_reply(&c, "ACK", "0012");
	assert_int_equal(count(e), before + 1);
	client_close(&c);
}

static void test_encrypted(void **state)
{
	struct env *e = *state;
	struct client c;
	struct dc09_frame f, req;
	struct dc09_key key, wrong;
	char raw[DC09_FRAME_MAX + 1], out[DC09_FRAME_MAX + 4];
	size_t outlen, before = count(e), links0, links1;

	assert_int_equal(dc09_key_parse(KEY, DC09_KEY_AUTO, &key), 0);
	alarm_testsink_heard(e->sink, &links0);
	client_open(&c, e->port);
	/* The vector's link test, at its own time: an encrypted ACK back. */
	send_frame(&c, V_NULL_ENC);
	client_reply(&c, &f, raw, sizeof raw);
	assert_true(f.encrypted);
	assert_string_equal(f.id, "ACK");
	assert_string_equal(f.account, "AAAB");
	assert_int_equal(dc09_frame_decrypt(&f, &key), 0);
	assert_int_equal(f.time_s, T_NOW);
	alarm_testsink_heard(e->sink, &links1);
	assert_int_equal(links1, links0 + 1);
	assert_int_equal(count(e), before);

	/* Outside the window: 41 s later is a NAK, 40 s is fine. Only the
	 * wall clock moves: a monotonic jump past idle_ms would let the idle
	 * sweep close this connection before the frame is read. */
	clock_step_wall_ms(41000);
	send_frame(&c, V_NULL_ENC);
	expect_reply(&c, "NAK", "0000");
	clock_step_wall_ms(-1000);
	send_frame(&c, V_NULL_ENC);
	expect_reply(&c, "ACK", "0000");
	clock_step_wall_ms(-61000);
	send_frame(&c, V_NULL_ENC);
	expect_reply(&c, "NAK", "0000");
	clock_step_wall_ms(21000);
	assert_int_equal(clock_now_ms(), T_NOW * 1000);

	/* An encrypted fire alarm is stored with its decrypted data. */
	memset(&req, 0, sizeof req);
	strcpy(req.id, "SIA-DCS");
	req.encrypted = 1;
	strcpy(req.seq, "0100");
	strcpy(req.line, "1");
	req.acct_mark = '#';
	strcpy(req.account, "AAAB");
	strcpy(req.data, "#AAAB|Nri2/FA3");
	req.has_time = 1;
	req.time_s = T_NOW - 3;
	assert_int_equal(dc09_frame_encode(&req, &key, out, sizeof out, &outlen), 0);
	send_raw(c.fd, out, outlen);
	client_reply(&c, &f, raw, sizeof raw);
	assert_true(f.encrypted);
	assert_string_equal(f.id, "ACK");
	assert_string_equal(f.seq, "0100");
	assert_int_equal(count(e), before + 1);
	struct alarm_testsink_row row;
	assert_int_equal(alarm_testsink_row_get(e->sink, before, &row), 0);
	assert_string_equal(row.data, "#AAAB|Nri2/FA3");
	assert_string_equal(row.ev.area, "2");
	/* Re-sent with a new pad and time: same event, stored once. */
	req.time_s = T_NOW;
	assert_int_equal(dc09_frame_encode(&req, &key, out, sizeof out, &outlen), 0);
	send_raw(c.fd, out, outlen);
	expect_reply(&c, "ACK", "0100");
	assert_int_equal(count(e), before + 1);

	/* A wrong key cannot be processed: DUH. */
	wrong = key;
	wrong.bytes[3] ^= 0x55;
	assert_int_equal(dc09_frame_encode(&req, &wrong, out, sizeof out, &outlen), 0);
	send_raw(c.fd, out, outlen);
	expect_reply(&c, "DUH", "0100");
	/* Encrypted for a plain account: DUH. */
	strcpy(req.account, "1234");
	assert_int_equal(dc09_frame_encode(&req, &key, out, sizeof out, &outlen), 0);
	send_raw(c.fd, out, outlen);
	expect_reply(&c, "DUH", "0100");
	/* Encrypted without a timestamp: NAK. */
	strcpy(req.account, "AAAB");
	req.has_time = 0;
	assert_int_equal(dc09_frame_encode(&req, &key, out, sizeof out, &outlen), 0);
	send_raw(c.fd, out, outlen);
	expect_reply(&c, "NAK", "0000");
	assert_int_equal(count(e), before + 1);
	client_close(&c);
}

static void test_store_failure_then_retry(void **state)
{
	struct env *e = *state;
	struct client c;
	char body[128];
	size_t before = count(e);

	wrap("\"ADM-CID\"0300L0#1234[#1234|1301 00 000]", body, sizeof body);
	client_open(&c, e->port);
	alarm_testsink_fail_stores(e->sink, 1);
	send_frame(&c, body);
	expect_reply(&c, "NAK", "0000");
	assert_int_equal(count(e), before);
	send_frame(&c, body);
	expect_reply(&c, "ACK", "0300");
	assert_int_equal(count(e), before + 1);
	client_close(&c);
}

static void test_oversize_and_half_close(void **state)
{
	struct env *e = *state;
	struct client c;
	static char big[3000];
	char tmp[16];

	client_open(&c, e->port);
	big[0] = '\n';
	memset(big + 1, 'Z', 2000);
	big[2001] = '\r';
	send_raw(c.fd, big, 2002);
	send_frame(&c, V_SIA);
	expect_reply(&c, "NAK", "0000");
	expect_reply(&c, "ACK", "9876");
	/* Send and half-close: the ACK still comes, then the close. */
	send_frame(&c, V_CID);
	shutdown(c.fd, SHUT_WR);
	expect_reply(&c, "ACK", "9876");
	assert_int_equal(recv(c.fd, tmp, sizeof tmp, 0), 0);
	client_close(&c);
}

static void test_idle_timeout(void **state)
{
	struct env *e = *state;
	struct client c;
	char body[64], tmp[16];
	struct rx_stats st0, st1;

	rx_stats_get(e->rx, &st0);
	client_open(&c, e->port);
	send_frame(&c, wrap("\"NULL\"0003L0#1234[]", body, sizeof body));
	expect_reply(&c, "ACK", "0003");
	/* Not idle yet: the connection stays. */
	struct pollfd p = {.fd = c.fd, .events = POLLIN};
	assert_int_equal(poll(&p, 1, 100), 0);
	clock_advance_ms(5001);
	assert_int_equal(recv(c.fd, tmp, sizeof tmp, 0), 0);
	clock_set_fake(T_NOW * 1000);
	client_close(&c);
	/* Every connection of the tests so far is closed (the client-closed
	 * ones as soon as the receiver reads their EOF). */
	for (int i = 0; i < 500; i++) {
		rx_stats_get(e->rx, &st1);
		if (st1.conns_open == 0)
			break;
		usleep(10000);
	}
	assert_int_equal(st1.conns_open, 0);
	assert_true(st1.acks > st0.acks);
	assert_true(st1.conns_total > st0.conns_total);
}

static void test_many_connections(void **state)
{
	enum { N = 200 };
	struct env *e = *state;
	static struct client cs[N];
	char body[128];
	size_t before = count(e);

	for (int i = 0; i < N; i++)
		client_open(&cs[i], e->port);
	for (int i = 0; i < N; i++) {
		char b[64];
		snprintf(b, sizeof b, "\"ADM-CID\"%04dL0#4F39[#4F39|1111 01 %03d]", i, i);
		send_frame(&cs[i], wrap(b, body, sizeof body));
	}
	for (int i = 0; i < N; i++) {
		char seq[16];
		snprintf(seq, sizeof seq, "%04d", i);
		expect_reply(&cs[i], "ACK", seq);
		client_close(&cs[i]);
	}
	assert_int_equal(count(e), before + N);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_ack_and_store),
		cmocka_unit_test(test_tcp_split),
		cmocka_unit_test(test_tcp_coalesced_one_batch),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_nak_carries_time_and_conn_survives),
		cmocka_unit_test(test_duh),
		cmocka_unit_test(test_encrypted),
		cmocka_unit_test(test_store_failure_then_retry),
		cmocka_unit_test(test_oversize_and_half_close),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_many_connections),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
