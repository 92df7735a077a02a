/* Digital house IDs: making them from serials, reading them back as people
 * type them, checking the check character, grouping them for display. The
 * design and its guarantees are described in houseid.h. */
#include "register/houseid.h"

#include <stddef.h>
#include <string.h>

#define PAYLOAD_BITS 45
#define FEISTEL_ROUNDS 6
#define GF_POLY 0x25u           /* x^5 + x^2 + 1, primitive over GF(2) */

static const char alphabet[] = HOUSEID_ALPHABET;

/* Round keys: arbitrary fixed constants. Changing them changes every ID
 * ever issued, so they never change. */
static const uint64_t feistel_keys[FEISTEL_ROUNDS] = {
	UINT64_C(0x9e3779b97f4a7c15), UINT64_C(0xc2b2ae3d27d4eb4f),
	UINT64_C(0x165667b19e3779f9), UINT64_C(0xd6e8feb86659fd93),
	UINT64_C(0xa0761d6478bd642f), UINT64_C(0xe7037ed1a0b428db),
};

static uint64_t mask_bits(unsigned n)
{
	return (UINT64_C(1) << n) - 1;
}

/* The splitmix64 finaliser: a good avalanche for the round function. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

/* Bits in the upper part before round r: rounds alternate 22/23 and 23/22
 * (45 is odd, so the network is unbalanced; each round is still invertible
 * because it only XORs one part with a function of the other). */
static unsigned round_upper_bits(unsigned r)
{
	return (r % 2 == 0) ? 22 : 23;
}

static uint64_t feistel_forward(uint64_t x)
{
	for (unsigned r = 0; r < FEISTEL_ROUNDS; r++) {
		unsigned ub = round_upper_bits(r), lb = PAYLOAD_BITS - ub;
		uint64_t up = x >> lb, lo = x & mask_bits(lb);
		up ^= mix64(lo ^ feistel_keys[r]) & mask_bits(ub);
		x = (lo << ub) | up;
	}
	return x;
}

static uint64_t feistel_backward(uint64_t x)
{
	for (unsigned r = FEISTEL_ROUNDS; r-- > 0;) {
		unsigned ub = round_upper_bits(r), lb = PAYLOAD_BITS - ub;
		uint64_t lo = x >> ub, up = x & mask_bits(ub);
		up ^= mix64(lo ^ feistel_keys[r]) & mask_bits(ub);
		x = (up << lb) | lo;
	}
	return x;
}

/* Multiplies a GF(32) element by the primitive element x. */
static unsigned gf_times_x(unsigned v)
{
	v <<= 1;
	if (v & 0x20u)
		v ^= GF_POLY;
	return v;
}

/* Horner evaluation of sum v_i * x^(n-1-i) over GF(32) (addition is XOR). */
static unsigned gf_weighted_sum(const unsigned char *v, size_t n)
{
	unsigned acc = 0;
	for (size_t i = 0; i < n; i++)
		acc = gf_times_x(acc) ^ v[i];
	return acc;
}

/* The value of one typed character, or -1. *mapped is set when a
 * look-alike letter was read as a digit. Separators are handled by the
 * caller. */
static int char_value(int c, unsigned *mapped)
{
	if (c >= 'a' && c <= 'z')
		c -= 'a' - 'A';
	if (c == 'I' || c == 'L') {
		*mapped |= HOUSEID_F_MAPPED;
		c = '1';
	} else if (c == 'O') {
		*mapped |= HOUSEID_F_MAPPED;
		c = '0';
	}
	if (c == '\0')
		return -1;
	const char *p = strchr(alphabet, c);
	return p ? (int)(p - alphabet) : -1;
}

/* Reads in into values v[HOUSEID_LEN]. Returns HOUSEID_OK/EFORMAT/ECHECK. */
static int parse_values(const char *in, unsigned char v[HOUSEID_LEN], unsigned *flags)
{
	size_t n = 0;
	unsigned mapped = 0;

	if (!in)
		return HOUSEID_EFORMAT;
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		if (*p == '-' || *p == ' ')
			continue;
		int val = char_value(*p, &mapped);
		if (val < 0 || n == HOUSEID_LEN)
			return HOUSEID_EFORMAT;
		v[n++] = (unsigned char)val;
	}
	if (n != HOUSEID_LEN)
		return HOUSEID_EFORMAT;
	if (flags)
		*flags = mapped;
	if (gf_weighted_sum(v, HOUSEID_LEN) != 0)
		return HOUSEID_ECHECK;
	return HOUSEID_OK;
}

int houseid_make(uint64_t serial, char out[HOUSEID_MAX])
{
	unsigned char v[HOUSEID_LEN];

	if (!out)
		return -1;
	out[0] = '\0';
	if (serial > HOUSEID_SERIAL_MAX)
		return -1;
	uint64_t x = feistel_forward(serial);
	for (int i = HOUSEID_PAYLOAD_LEN - 1; i >= 0; i--) {
		v[i] = (unsigned char)(x & 31u);
		x >>= 5;
	}
	/* sum over the payload times x, plus the check, must be zero */
	v[HOUSEID_PAYLOAD_LEN] = (unsigned char)gf_times_x(gf_weighted_sum(v, HOUSEID_PAYLOAD_LEN));
	for (int i = 0; i < HOUSEID_LEN; i++)
		out[i] = alphabet[v[i]];
	out[HOUSEID_LEN] = '\0';
	return 0;
}

int houseid_normalize_flags(const char *in, char out[HOUSEID_MAX], unsigned *flags)
{
	unsigned char v[HOUSEID_LEN];

	if (out)
		out[0] = '\0';
	if (flags)
		*flags = 0;
	int rc = parse_values(in, v, flags);
	if (rc != HOUSEID_OK)
		return rc;
	if (out) {
		for (int i = 0; i < HOUSEID_LEN; i++)
			out[i] = alphabet[v[i]];
		out[HOUSEID_LEN] = '\0';
	}
	return HOUSEID_OK;
}

int houseid_normalize(const char *in, char out[HOUSEID_MAX])
{
	return houseid_normalize_flags(in, out, NULL);
}

int houseid_valid(const char *in)
{
	return houseid_normalize(in, NULL) == HOUSEID_OK;
}

int houseid_format_display(const char *in, char out[HOUSEID_MAX])
{
	char canon[HOUSEID_MAX];

	if (out)
		out[0] = '\0';
	int rc = houseid_normalize(in, canon);
	if (rc != HOUSEID_OK || !out)
		return rc;
	/* 4-3-3: "XXXX-XXX-XXX" */
	memcpy(out, canon, 4);
	out[4] = '-';
	memcpy(out + 5, canon + 4, 3);
	out[8] = '-';
	memcpy(out + 9, canon + 7, 3);
	out[12] = '\0';
	return HOUSEID_OK;
}

int houseid_serial(const char *in, uint64_t *serial)
{
	unsigned char v[HOUSEID_LEN];

	int rc = parse_values(in, v, NULL);
	if (rc != HOUSEID_OK)
		return rc;
	uint64_t x = 0;
	for (int i = 0; i < HOUSEID_PAYLOAD_LEN; i++)
		x = (x << 5) | v[i];
	if (serial)
		*serial = feistel_backward(x);
	return HOUSEID_OK;
}

const char *houseid_error_vi(int rc)
{
	switch (rc) {
	case HOUSEID_OK:
		return "Mã định danh số nhà hợp lệ";
	case HOUSEID_ECHECK:
		return "Mã định danh số nhà sai ký tự kiểm tra: có ký tự bị gõ nhầm hoặc đổi chỗ";
	default:
		return "Mã định danh số nhà không đúng định dạng: cần đúng 10 ký tự chữ và số (dấu gạch ngang, dấu cách được bỏ qua)";
	}
}

const char *houseid_error_en(int rc)
{
	switch (rc) {
	case HOUSEID_OK:
		return "Valid digital house ID";
	case HOUSEID_ECHECK:
		return "Digital house ID check character is wrong: a character was mistyped or two were swapped";
	default:
		return "Digital house ID is malformed: exactly 10 letters and digits are needed (hyphens and spaces are ignored)";
	}
}
