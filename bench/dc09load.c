/* dc09load: a closed-loop SIA DC-09 load generator. N TCP connections,
 * each sends one frame and waits for the receiver's reply before sending
 * the next; reports events/s and the ACK latency distribution.
 *
 *   dc09load -p PORT [-h 127.0.0.1] [-c 256] [-d 10] [-w 1]
 *            [-a BASE_HEX] [-n ACCOUNTS] [-r R] [-l L] [-x DUMPFILE]
 *            [--rate N] [--udp-null] [-k FIRST_K]
 *
 * --rate N paces the load at N events/s in total: connection i sends its
 * frames at t0 + (i / CONNS + j) * CONNS / N; a frame whose reply is late
 * goes as soon as the reply comes, and its latency counts from when it
 * was due (so a slow receiver is not hidden by the generator waiting).
 *
 * --udp-null: supervision load instead. NULL link tests ("NULL", no
 * data) over UDP from one socket, for accounts BASE .. BASE+ACCOUNTS-1
 * in turn, at --rate N datagrams/s (default 1000) for -d seconds (no
 * warm-up); replies are read and counted (acks, naks, other), latency
 * measured per datagram by its sequence number.
 * -k: start the sequence counter at FIRST_K (runs on the same data get
 * new keys).
 *
 * Connection i uses account BASE + (i mod ACCOUNTS) (hex, default 0x1000
 * and 256) and ADM-CID frames "#ACCT|1602 00 ZZZ" (periodic test) with
 * seq = k mod 10000 and zone = (k / 10000) mod 1000, so no two events of a
 * run share (account, seq, data) and a durable receiver stores each. -x
 * writes the first frame of each connection (hex, one a line) for an
 * independent decoder to check. Output: one line of key=value pairs.
 * Self-contained (no pccc code): its own CRC-16/ARC and framing. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LAT_BUCKETS 200000 /* 10 us each: up to 2 s */

/* The frame of make_frame with the account's fixed parts formatted once
 * per connection: only seq and zone change (4 and 3 digits). */
struct tmpl {
	char f[300];
	size_t len, body;   /* body: offset of the '"' after LF crc len */
	size_t seq, zone;   /* offsets of the digits */
};

struct conn {
	int fd;
	unsigned acct;
	struct tmpl tmpl;
	uint64_t k;          /* events sent */
	int64_t sent_ns;
	int64_t due_ns;      /* --rate: when the next frame is due */
	int waiting;         /* a frame is out, its reply not yet in */
	char in[512];
	size_t inlen;
};

static uint64_t lat_hist[LAT_BUCKETS];
static uint64_t acks, naks, others, lat_n;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* CRC-16/ARC, one table lookup per byte (the generator shares the 2
 * cores with the receiver under test: its CPU per frame counts). */
static const uint16_t crc_table[256] = {
	0x0000, 0xC0C1, 0xC181, 0x0140, 0xC301, 0x03C0, 0x0280, 0xC241,
	0xC601, 0x06C0, 0x0780, 0xC741, 0x0500, 0xC5C1, 0xC481, 0x0440,
	0xCC01, 0x0CC0, 0x0D80, 0xCD41, 0x0F00, 0xCFC1, 0xCE81, 0x0E40,
	0x0A00, 0xCAC1, 0xCB81, 0x0B40, 0xC901, 0x09C0, 0x0880, 0xC841,
	0xD801, 0x18C0, 0x1980, 0xD941, 0x1B00, 0xDBC1, 0xDA81, 0x1A40,
	0x1E00, 0xDEC1, 0xDF81, 0x1F40, 0xDD01, 0x1DC0, 0x1C80, 0xDC41,
	0x1400, 0xD4C1, 0xD581, 0x1540, 0xD701, 0x17C0, 0x1680, 0xD641,
	0xD201, 0x12C0, 0x1380, 0xD341, 0x1100, 0xD1C1, 0xD081, 0x1040,
	0xF001, 0x30C0, 0x3180, 0xF141, 0x3300, 0xF3C1, 0xF281, 0x3240,
	0x3600, 0xF6C1, 0xF781, 0x3740, 0xF501, 0x35C0, 0x3480, 0xF441,
	0x3C00, 0xFCC1, 0xFD81, 0x3D40, 0xFF01, 0x3FC0, 0x3E80, 0xFE41,
	0xFA01, 0x3AC0, 0x3B80, 0xFB41, 0x3900, 0xF9C1, 0xF881, 0x3840,
	0x2800, 0xE8C1, 0xE981, 0x2940, 0xEB01, 0x2BC0, 0x2A80, 0xEA41,
	0xEE01, 0x2EC0, 0x2F80, 0xEF41, 0x2D00, 0xEDC1, 0xEC81, 0x2C40,
	0xE401, 0x24C0, 0x2580, 0xE541, 0x2700, 0xE7C1, 0xE681, 0x2640,
	0x2200, 0xE2C1, 0xE381, 0x2340, 0xE101, 0x21C0, 0x2080, 0xE041,
	0xA001, 0x60C0, 0x6180, 0xA141, 0x6300, 0xA3C1, 0xA281, 0x6240,
	0x6600, 0xA6C1, 0xA781, 0x6740, 0xA501, 0x65C0, 0x6480, 0xA441,
	0x6C00, 0xACC1, 0xAD81, 0x6D40, 0xAF01, 0x6FC0, 0x6E80, 0xAE41,
	0xAA01, 0x6AC0, 0x6B80, 0xAB41, 0x6900, 0xA9C1, 0xA881, 0x6840,
	0x7800, 0xB8C1, 0xB981, 0x7940, 0xBB01, 0x7BC0, 0x7A80, 0xBA41,
	0xBE01, 0x7EC0, 0x7F80, 0xBF41, 0x7D00, 0xBDC1, 0xBC81, 0x7C40,
	0xB401, 0x74C0, 0x7580, 0xB541, 0x7700, 0xB7C1, 0xB681, 0x7640,
	0x7200, 0xB2C1, 0xB381, 0x7340, 0xB101, 0x71C0, 0x7080, 0xB041,
	0x5000, 0x90C1, 0x9181, 0x5140, 0x9301, 0x53C0, 0x5280, 0x9241,
	0x9601, 0x56C0, 0x5780, 0x9741, 0x5500, 0x95C1, 0x9481, 0x5440,
	0x9C01, 0x5CC0, 0x5D80, 0x9D41, 0x5F00, 0x9FC1, 0x9E81, 0x5E40,
	0x5A00, 0x9AC1, 0x9B81, 0x5B40, 0x9901, 0x59C0, 0x5880, 0x9841,
	0x8801, 0x48C0, 0x4980, 0x8941, 0x4B00, 0x8BC1, 0x8A81, 0x4A40,
	0x4E00, 0x8EC1, 0x8F81, 0x4F40, 0x8D01, 0x4DC0, 0x4C80, 0x8C41,
	0x4400, 0x84C1, 0x8581, 0x4540, 0x8701, 0x47C0, 0x4680, 0x8641,
	0x8201, 0x42C0, 0x4380, 0x8341, 0x4100, 0x81C1, 0x8081, 0x4040,
};

static uint16_t crc16(const char *p, size_t n)
{
	unsigned crc = 0;
	for (size_t i = 0; i < n; i++)
		crc = (crc >> 8) ^ crc_table[(crc ^ (unsigned char)p[i]) & 0xFF];
	return (uint16_t)crc;
}

static char *put_hex4(char *o, unsigned v)
{
	static const char hex[] = "0123456789ABCDEF";
	for (int i = 3; i >= 0; i--, v >>= 4)
		o[i] = hex[v & 15];
	return o + 4;
}

static char *put_dec(char *o, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--, v /= 10)
		o[i] = (char)('0' + v % 10);
	return o + width;
}

static const char *opt_r = "1", *opt_l = "1";
static uint64_t first_k;

static size_t make_frame(char *out, size_t cap, unsigned acct, uint64_t k);

/* Formats the template of acct (see struct tmpl). */
static void tmpl_init(struct tmpl *t, unsigned acct)
{
	t->len = make_frame(t->f, sizeof t->f, acct, 0);
	t->body = 9;
	t->seq = t->body + strlen("\"ADM-CID\"");
	t->zone = t->len - 1 - 1 - 3;  /* before "]" and CR */
}

static size_t tmpl_frame(struct tmpl *t, uint64_t k)
{
	put_dec(t->f + t->seq, (unsigned)(k % 10000), 4);
	put_dec(t->f + t->zone, (unsigned)((k / 10000) % 1000), 3);
	put_hex4(t->f + 1, crc16(t->f + t->body, t->len - t->body - 1));
	return t->len;
}

static size_t make_frame(char *out, size_t cap, unsigned acct, uint64_t k)
{
	char body[256];
	int n = snprintf(body, sizeof body, "\"ADM-CID\"%04uR%sL%s#%X[#%X|1602 00 %03u]",
			 (unsigned)(k % 10000), opt_r, opt_l, acct, acct,
			 (unsigned)((k / 10000) % 1000));
	return (size_t)snprintf(out, cap, "\n%04X%04X%s\r", crc16(body, (size_t)n), (unsigned)n,
				body);
}

static size_t make_null(char *out, size_t cap, unsigned acct, uint64_t k)
{
	char body[128];
	int n = snprintf(body, sizeof body, "\"NULL\"%04uR%sL%s#%X[]", (unsigned)(k % 10000), opt_r,
			 opt_l, acct);
	return (size_t)snprintf(out, cap, "\n%04X%04X%s\r", crc16(body, (size_t)n), (unsigned)n,
				body);
}

static int conn_open(const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) != 0) {
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static int conn_send(struct conn *c)
{
	size_t n = tmpl_frame(&c->tmpl, first_k + c->k);
	c->sent_ns = now_ns();
	c->waiting = 1;
	ssize_t w = send(c->fd, c->tmpl.f, n, MSG_NOSIGNAL);
	return w == (ssize_t)n ? 0 : -1;
}

static double pct(double p)
{
	uint64_t want = (uint64_t)(p * (double)lat_n), seen = 0;
	for (size_t i = 0; i < LAT_BUCKETS; i++) {
		seen += lat_hist[i];
		if (seen > want)
			return (double)i * 0.01;
	}
	return (double)LAT_BUCKETS * 0.01;
}

static void lat_add(int64_t ns)
{
	int64_t us10 = ns / 10000;
	if (us10 < 0)
		us10 = 0;
	lat_hist[us10 < LAT_BUCKETS ? us10 : LAT_BUCKETS - 1]++;
	lat_n++;
}

/* NULL link tests over UDP at rate datagrams/s (see the top comment). */
static int udp_null(const struct sockaddr_in *sa, unsigned base, unsigned naccts, double rate,
		    int secs)
{
	static int64_t sent_at[10000];
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int sz = 4 << 20;
	uint64_t sent = 0, replies = 0, send_fail = 0;
	char f[256], in[512];

	if (fd < 0 || connect(fd, (const struct sockaddr *)sa, sizeof *sa) != 0) {
		fprintf(stderr, "dc09load: udp socket: %s\n", strerror(errno));
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	int64_t t0 = now_ns(), end = t0 + (int64_t)secs * 1000000000LL;
	double gap = 1e9 / rate;
	for (;;) {
		int64_t t = now_ns();
		if (t >= end)
			break;
		/* Everything due by now goes out. */
		while (t0 + (int64_t)((double)sent * gap) <= t) {
			uint64_t k = first_k + sent;
			size_t n = make_null(f, sizeof f, base + (unsigned)(sent % naccts), k);
			sent_at[k % 10000] = now_ns();
			if (send(fd, f, n, 0) != (ssize_t)n)
				send_fail++;
			sent++;
		}
		for (;;) {
			ssize_t r = recv(fd, in, sizeof in - 1, 0);
			if (r <= 0)
				break;
			in[r] = 0;
			replies++;
			if (strstr(in, "\"ACK\""))
				acks++;
			else if (strstr(in, "\"NAK\""))
				naks++;
			else
				others++;
			/* Seq: the 4 digits after the id token's closing quote. */
			char *q = strstr(in, "\"ACK\"");
			if (q && r > (q - in) + 9)
				lat_add(now_ns() - sent_at[atoi(q + 5) % 10000]);
		}
		struct timespec ts = {0, 200000};
		nanosleep(&ts, NULL);
	}
	/* Late replies. */
	for (int i = 0; i < 50; i++) {
		ssize_t r = recv(fd, in, sizeof in - 1, 0);
		if (r <= 0) {
			struct timespec ts = {0, 10000000};
			nanosleep(&ts, NULL);
			continue;
		}
		in[r] = 0;
		replies++;
		if (strstr(in, "\"ACK\""))
			acks++;
		else if (strstr(in, "\"NAK\""))
			naks++;
		else
			others++;
		i = 0;
	}
	double el = (double)(now_ns() - t0) / 1e9;
	printf("mode=udp_null sent=%llu sent_per_s=%.0f replies=%llu acks=%llu naks=%llu "
	       "other=%llu send_fail=%llu p50_ms=%.2f p99_ms=%.2f accounts=%u secs=%.1f\n",
	       (unsigned long long)sent, (double)sent / el, (unsigned long long)replies,
	       (unsigned long long)acks, (unsigned long long)naks, (unsigned long long)others,
	       (unsigned long long)send_fail, pct(0.50), pct(0.99), naccts, el);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *host = "127.0.0.1", *dump = NULL;
	int port = 0, nconn = 256, secs = 10, warm = 1, opt, udp = 0;
	unsigned base = 0x1000, naccts = 256;
	double rate = 0;
	static const struct option longs[] = {
	    {"rate", required_argument, NULL, 'R'},
	    {"udp-null", no_argument, NULL, 'U'},
	    {NULL, 0, NULL, 0},
	};

	while ((opt = getopt_long(argc, argv, "h:p:c:d:w:a:n:r:l:x:k:", longs, NULL)) != -1) {
		switch (opt) {
		case 'R': rate = atof(optarg); break;
		case 'U': udp = 1; break;
		case 'k': first_k = strtoull(optarg, NULL, 10); break;
		case 'h': host = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'c': nconn = atoi(optarg); break;
		case 'd': secs = atoi(optarg); break;
		case 'w': warm = atoi(optarg); break;
		case 'a': base = (unsigned)strtoul(optarg, NULL, 16); break;
		case 'n': naccts = (unsigned)atoi(optarg); break;
		case 'r': opt_r = optarg; break;
		case 'l': opt_l = optarg; break;
		case 'x': dump = optarg; break;
		default:
			fprintf(stderr, "usage: dc09load -p PORT [-h HOST] [-c CONNS] [-d SECS] "
					"[-w WARMUP] [-a BASE_HEX] [-n ACCOUNTS] [-r R] [-l L] [-x FILE] "
					"[--rate N] [--udp-null] [-k FIRST_K]\n");
			return 2;
		}
	}
	if (port <= 0 || nconn <= 0 || secs <= 0 || naccts == 0 || rate < 0) {
		fprintf(stderr, "dc09load: -p PORT required\n");
		return 2;
	}
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "dc09load: bad host %s\n", host);
		return 2;
	}
	if (udp)
		return udp_null(&sa, base, naccts, rate > 0 ? rate : 1000, secs);
	if (dump) {
		FILE *f = fopen(dump, "w");
		for (int i = 0; f && i < nconn && i < 16; i++) {
			char fr[300];
			size_t n = make_frame(fr, sizeof fr, base + (unsigned)i % naccts, 0);
			for (size_t j = 0; j < n; j++)
				fprintf(f, "%02x", (unsigned char)fr[j]);
			fputc('\n', f);
		}
		if (f)
			fclose(f);
	}
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct conn *cs = calloc((size_t)nconn, sizeof *cs);
	for (int i = 0; i < nconn; i++) {
		cs[i].acct = base + (unsigned)i % naccts;
		tmpl_init(&cs[i].tmpl, cs[i].acct);
		char chk[300];
		for (uint64_t k = 0; k < 20000; k += 9973) {
			size_t n = make_frame(chk, sizeof chk, cs[i].acct, first_k + k);
			if (tmpl_frame(&cs[i].tmpl, first_k + k) != n || memcmp(chk, cs[i].tmpl.f, n)) {
				fprintf(stderr, "dc09load: frame template mismatch\n");
				return 1;
			}
		}
		cs[i].fd = conn_open(&sa);
		if (cs[i].fd < 0) {
			fprintf(stderr, "dc09load: connect %d: %s\n", i, strerror(errno));
			return 1;
		}
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &cs[i]};
		epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
	}
	int64_t t0 = now_ns(), measure_from = t0 + (int64_t)warm * 1000000000LL;
	int64_t end = measure_from + (int64_t)secs * 1000000000LL;
	/* Paced: each connection every period_ns, staggered. */
	int64_t period_ns = rate > 0 ? (int64_t)(1e9 * nconn / rate) : 0;
	for (int i = 0; i < nconn; i++) {
		cs[i].due_ns = t0 + period_ns * i / nconn;
		if (!period_ns)
			conn_send(&cs[i]);
	}
	uint64_t measured = 0, dead = 0;
	struct epoll_event evs[512];
	while (now_ns() < end && dead < (uint64_t)nconn) {
		if (period_ns) {
			int64_t t = now_ns();
			for (int i = 0; i < nconn; i++) {
				struct conn *c = &cs[i];
				if (c->waiting || c->fd < 0 || c->due_ns > t)
					continue;
				int64_t due = c->due_ns;
				if (conn_send(c) != 0) {
					epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
					close(c->fd);
					c->fd = -1;
					dead++;
					continue;
				}
				c->sent_ns = due;  /* latency from when it was due */
				c->due_ns = due + period_ns;
			}
		}
		int n = epoll_wait(ep, evs, 512, period_ns ? 1 : 100);
		int64_t t = now_ns();
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			ssize_t r = recv(c->fd, c->in + c->inlen, sizeof c->in - c->inlen - 1, 0);
			if (r <= 0) {
				if (r < 0 && (errno == EAGAIN || errno == EINTR))
					continue;
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				dead++;
				continue;
			}
			c->inlen += (size_t)r;
			char *cr;
			while ((cr = memchr(c->in, '\r', c->inlen)) != NULL) {
				size_t flen = (size_t)(cr - c->in) + 1;
				c->in[flen - 1] = 0;
				int is_ack = strstr(c->in, "\"ACK\"") != NULL;
				int is_nak = !is_ack && strstr(c->in, "\"NAK\"") != NULL;
				memmove(c->in, c->in + flen, c->inlen - flen);
				c->inlen -= flen;
				if (t >= measure_from) {
					measured++;
					if (is_ack)
						acks++;
					else if (is_nak)
						naks++;
					else
						others++;
					lat_add(t - c->sent_ns);
				}
				c->k++;
				c->waiting = 0;
				if (period_ns)
					continue;  /* sent when due */
				if (conn_send(c) != 0) {
					epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
					dead++;
				}
			}
		}
	}
	double el = (double)(now_ns() - measure_from) / 1e9;
	uint64_t total_sent = 0;
	for (int i = 0; i < nconn; i++) {
		total_sent += cs[i].k;
		if (cs[i].fd >= 0)
			close(cs[i].fd);
	}
	printf("%sevents_per_s=%.0f acks=%llu naks=%llu other=%llu p50_ms=%.2f p99_ms=%.2f "
	       "p999_ms=%.2f conns=%d secs=%.1f dead=%llu replies_total=%llu\n",
	       period_ns ? "mode=paced " : "", (double)measured / el, (unsigned long long)acks, (unsigned long long)naks,
	       (unsigned long long)others, pct(0.50), pct(0.99), pct(0.999), nconn, el,
	       (unsigned long long)dead, (unsigned long long)total_sent);
	free(cs);
	close(ep);
	return 0;
}
