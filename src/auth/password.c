/* Password hashing and the password policy (see password.h). */
#include "auth/password.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/common_passwords.h"

_Static_assert(PASSWORD_HASH_BUF == crypto_pwhash_STRBYTES, "hash buffer size");

/* The fast setting: argon2id's minimum passes, 64 KiB. */
#define FAST_OPSLIMIT 1ULL
#define FAST_MEMLIMIT (64u * 1024u)
/* The longest password in bytes: 128 code points of at most 4 bytes. */
#define PASSWORD_MAX_BYTES (PASSWORD_MAX_CHARS * 4)

static atomic_int cost_fast;

void password_set_cost_fast(int fast)
{
	atomic_store(&cost_fast, fast ? 1 : 0);
}

static void password_cost(unsigned long long *ops, size_t *mem)
{
	if (atomic_load(&cost_fast)) {
		*ops = FAST_OPSLIMIT;
		*mem = FAST_MEMLIMIT;
	} else {
		*ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		*mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	}
}

int password_hash(const char *pw, char out[PASSWORD_HASH_BUF])
{
	unsigned long long ops;
	size_t mem;
	out[0] = '\0';
	if (!pw)
		return -1;
	size_t n = strlen(pw);
	if (n > PASSWORD_MAX_BYTES)
		return -1;
	password_cost(&ops, &mem);
	if (crypto_pwhash_str_alg(out, pw, n, ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/* A stored hash must be a NUL-terminated string inside the buffer size
 * libsodium reads, and an argon2id one. */
static int hash_shape_ok(const char *hash)
{
	if (!hash || !memchr(hash, '\0', PASSWORD_HASH_BUF))
		return 0;
	return strncmp(hash, crypto_pwhash_argon2id_STRPREFIX,
		       strlen(crypto_pwhash_argon2id_STRPREFIX)) == 0;
}

int password_verify(const char *hash, const char *pw)
{
	if (!pw || !hash_shape_ok(hash))
		return -1;
	size_t n = strlen(pw);
	if (n > PASSWORD_MAX_BYTES)
		return -1;
	/* libsodium reads a full crypto_pwhash_STRBYTES buffer. */
	char buf[PASSWORD_HASH_BUF] = {0};
	strcpy(buf, hash);
	return crypto_pwhash_str_verify(buf, pw, n) == 0 ? 0 : -1;
}

int password_needs_rehash(const char *hash)
{
	unsigned long long ops;
	size_t mem;
	if (!hash_shape_ok(hash))
		return -1;
	char buf[PASSWORD_HASH_BUF] = {0};
	strcpy(buf, hash);
	password_cost(&ops, &mem);
	int r = crypto_pwhash_str_needs_rehash(buf, ops, mem);
	return r < 0 ? -1 : r;
}

static int ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int strcmp_ci(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = ascii_lower((unsigned char)*a), cb = ascii_lower((unsigned char)*b);
		if (ca != cb || !ca)
			return ca - cb;
	}
}

static int contains_ci(const char *hay, const char *needle)
{
	size_t nl = strlen(needle);
	for (; *hay; hay++) {
		size_t i;
		for (i = 0; i < nl; i++)
			if (!hay[i] || ascii_lower((unsigned char)hay[i]) !=
					       ascii_lower((unsigned char)needle[i]))
				break;
		if (i == nl)
			return 1;
	}
	return 0;
}

int password_is_common(const char *pw)
{
	if (!pw)
		return 0;
	size_t lo = 0, hi = COMMON_PASSWORDS_COUNT;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp_ci(pw, common_passwords[mid]);
		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* Decodes one UTF-8 code point at s; returns its length (1-4) and the
 * code point in *cp, or 0 for invalid (overlong, surrogate, > U+10FFFF,
 * truncated) input. */
static int utf8_next(const unsigned char *s, uint32_t *cp)
{
	uint32_t c = s[0];
	int len;
	uint32_t min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

enum { CLASS_LETTER = 1, CLASS_DIGIT = 2, CLASS_SYMBOL = 4 };

static int char_class(uint32_t cp)
{
	if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
		return CLASS_LETTER;
	if (cp >= '0' && cp <= '9')
		return CLASS_DIGIT;
	/* Latin-1 letters (not × ÷), Latin Extended-A/B, Latin Extended
	 * Additional (ạ ả ấ ầ ... ỹ). */
	if ((cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7) ||
	    (cp >= 0x1e00 && cp <= 0x1eff))
		return CLASS_LETTER;
	return CLASS_SYMBOL;
}

static int set_reason(const char **vi, const char **en, const char *rvi, const char *ren)
{
	if (vi)
		*vi = rvi;
	if (en)
		*en = ren;
	return -1;
}

int password_check_policy(const char *pw, const char *username, const char **reason_vi,
			  const char **reason_en)
{
	if (reason_vi)
		*reason_vi = NULL;
	if (reason_en)
		*reason_en = NULL;
	if (!pw)
		return set_reason(reason_vi, reason_en, "Chưa nhập mật khẩu.",
				  "No password given.");

	size_t chars = 0;
	int classes = 0;
	const unsigned char *p = (const unsigned char *)pw;
	while (*p) {
		uint32_t cp;
		int len = utf8_next(p, &cp);
		if (len == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			return set_reason(reason_vi, reason_en,
					  "Mật khẩu chứa ký tự không hợp lệ.",
					  "The password contains invalid characters.");
		classes |= char_class(cp);
		chars++;
		p += len;
	}
	if (chars < PASSWORD_MIN_CHARS)
		return set_reason(reason_vi, reason_en, "Mật khẩu phải có ít nhất 10 ký tự.",
				  "The password must be at least 10 characters long.");
	if (chars > PASSWORD_MAX_CHARS)
		return set_reason(reason_vi, reason_en, "Mật khẩu không được dài quá 128 ký tự.",
				  "The password must be at most 128 characters long.");
	if (username && username[0] &&
	    (strcmp_ci(pw, username) == 0 || (strlen(username) >= 3 && contains_ci(pw, username))))
		return set_reason(reason_vi, reason_en,
				  "Mật khẩu không được trùng hoặc chứa tên đăng nhập.",
				  "The password must not be or contain the username.");
	if (password_is_common(pw))
		return set_reason(reason_vi, reason_en,
				  "Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác.",
				  "This password is too common and easy to guess. Choose another.");
	int nclasses = !!(classes & CLASS_LETTER) + !!(classes & CLASS_DIGIT) +
		       !!(classes & CLASS_SYMBOL);
	if (nclasses < 2)
		return set_reason(reason_vi, reason_en,
				  "Mật khẩu phải có ít nhất hai loại ký tự: chữ cái, chữ số, ký hiệu.",
				  "The password must mix at least two of: letters, digits, symbols.");
	return 0;
}
