/* Personal data: CCCD and phone validation, encryption at rest, blind
 * indexes and masking (see pii.h). The only I/O is the key file. */
#include "auth/pii.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/file.h"
#include "core/log.h"

#define PII_PREFIX "v1:"
#define PII_INDEX_DOMAIN "pccc-pii-v1"
#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

_Static_assert(PII_KEY_BYTES == crypto_secretbox_KEYBYTES, "secretbox key size");
_Static_assert(PII_KEY_BYTES >= crypto_generichash_KEYBYTES_MIN &&
		       PII_KEY_BYTES <= crypto_generichash_KEYBYTES_MAX,
	       "generichash key size");

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int pii_cccd_valid(const char *s)
{
	if (!s)
		return 0;
	for (int i = 0; i < 12; i++)
		if (!is_digit(s[i]))
			return 0;
	return s[12] == '\0';
}

int pii_cccd_decode(const char *s, struct pii_cccd_info *out)
{
	if (!pii_cccd_valid(s))
		return -1;
	memcpy(out->province, s, 3);
	out->province[3] = '\0';
	int g = s[3] - '0';
	out->sex = (g % 2) ? PII_SEX_FEMALE : PII_SEX_MALE;
	out->birth_year = 1900 + (g / 2) * 100 + (s[4] - '0') * 10 + (s[5] - '0');
	return 0;
}

/* Copies the digits of s into out (at most max digits), skipping the
 * separators in seps. -1 on any other character or too many digits. */
static int digits_only(const char *s, const char *seps, char *out, size_t max, size_t *n)
{
	size_t k = 0;
	for (; *s; s++) {
		if (is_digit(*s)) {
			if (k == max)
				return -1;
			out[k++] = *s;
		} else if (!strchr(seps, *s)) {
			return -1;
		}
	}
	out[k] = '\0';
	*n = k;
	return 0;
}

int pii_cccd_normalize(const char *s, char out[PII_CCCD_BUF])
{
	char d[PII_CCCD_BUF];
	size_t n;
	out[0] = '\0';
	if (!s || digits_only(s, " .-", d, 12, &n) != 0 || !pii_cccd_valid(d))
		return -1;
	memcpy(out, d, PII_CCCD_BUF);
	return 0;
}

int pii_phone_normalize(const char *s, char out[PII_PHONE_BUF])
{
	char d[16];
	const char *p;
	size_t n;
	out[0] = '\0';
	if (!s)
		return -1;
	/* A '+' may only come before the first digit. */
	const char *q = s;
	while (*q == ' ' || *q == '(')
		q++;
	int intl = 0;
	if (*q == '+') {
		intl = 1;
		s = q + 1;
	}
	if (digits_only(s, " .-()", d, 14, &n) != 0)
		return -1;
	p = d;
	if (!intl && n >= 4 && memcmp(p, "0084", 4) == 0) {
		intl = 1;
		p += 2;
		n -= 2;
	}
	if (intl && (n < 2 || memcmp(p, "84", 2) != 0))
		return -1; /* another country */
	if (intl || ((n == 11 || (n == 12 && p[2] == '0')) && memcmp(p, "84", 2) == 0)) {
		p += 2;
		n -= 2;
		if (n == 10 && p[0] == '0') {
			p++;
			n--;
		}
		if (n != 9)
			return -1;
		out[0] = '0';
		memcpy(out + 1, p, 10); /* 9 digits and the NUL */
	} else {
		if (n != 10 || p[0] != '0')
			return -1;
		memcpy(out, p, 11);
	}
	if (!strchr("35789", out[1])) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

int pii_phone_valid(const char *s)
{
	char out[PII_PHONE_BUF];
	return pii_phone_normalize(s, out) == 0;
}

static int pii_key_create(const char *path, struct pii_keys *out)
{
	unsigned char raw[2 * PII_KEY_BYTES];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? 1 : -1;
	randombytes_buf(raw, sizeof raw);
	if (fchmod(fd, 0600) != 0 || file_write_all(fd, raw, sizeof raw) != 0 || fsync(fd) != 0) {
		log_error("pii key: cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		goto fail;
	}
	if (close(fd) != 0) {
		unlink(path);
		goto fail;
	}
	file_sync_dir(path);
	memcpy(out->box, raw, PII_KEY_BYTES);
	memcpy(out->mac, raw + PII_KEY_BYTES, PII_KEY_BYTES);
	sodium_memzero(raw, sizeof raw);
	log_info("pii key: created %s", path);
	return 0;
fail:
	sodium_memzero(raw, sizeof raw);
	return -1;
}

static int pii_key_read(const char *path, struct pii_keys *out)
{
	unsigned char raw[2 * PII_KEY_BYTES];
	struct stat st;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		log_error("pii key: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		log_error("pii key: %s is not a regular file", path);
		goto fail;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		log_error("pii key: %s is accessible to group or others (mode %03o); "
			  "run chmod 600 on it",
			  path, (unsigned)(st.st_mode & 0777));
		goto fail;
	}
	if (st.st_size != (off_t)sizeof raw) {
		log_error("pii key: %s has %lld bytes, expected %zu", path, (long long)st.st_size,
			  sizeof raw);
		goto fail;
	}
	if (file_read_all(fd, raw, sizeof raw) != 0) {
		log_error("pii key: cannot read %s", path);
		goto fail;
	}
	close(fd);
	memcpy(out->box, raw, PII_KEY_BYTES);
	memcpy(out->mac, raw + PII_KEY_BYTES, PII_KEY_BYTES);
	sodium_memzero(raw, sizeof raw);
	return 0;
fail:
	close(fd);
	sodium_memzero(raw, sizeof raw);
	return -1;
}

int pii_key_load_or_create(const char *data_dir, struct pii_keys *out)
{
	int rc = -1;
	if (!data_dir || !data_dir[0])
		return -1;
	char *path = xasprintf("%s/%s", data_dir, PII_KEY_FILE);
	struct stat st;
	if (stat(data_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		log_error("pii key: data directory %s does not exist", data_dir);
		goto done;
	}
	if (lstat(path, &st) != 0 && errno == ENOENT) {
		int c = pii_key_create(path, out);
		if (c == 0) {
			rc = 0;
			goto done;
		}
		if (c < 0) {
			log_error("pii key: cannot create %s: %s", path, strerror(errno));
			goto done;
		}
		/* c == 1: another process created it meanwhile; read theirs. */
	}
	rc = pii_key_read(path, out);
done:
	free(path);
	return rc;
}

void pii_keys_wipe(struct pii_keys *k)
{
	sodium_memzero(k, sizeof *k);
}

int pii_encrypt(const struct pii_keys *k, const char *plain, char **out)
{
	*out = NULL;
	if (!k || !plain)
		return -1;
	size_t mlen = strlen(plain);
	size_t rawlen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + mlen;
	unsigned char *raw = xmalloc(rawlen);
	randombytes_buf(raw, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(raw + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, mlen,
			      raw, k->box);
	size_t b64len = sodium_base64_ENCODED_LEN(rawlen, B64);
	char *s = xmalloc(sizeof PII_PREFIX - 1 + b64len);
	memcpy(s, PII_PREFIX, sizeof PII_PREFIX - 1);
	sodium_bin2base64(s + sizeof PII_PREFIX - 1, b64len, raw, rawlen, B64);
	free(raw);
	*out = s;
	return 0;
}

int pii_decrypt(const struct pii_keys *k, const char *enc, char **out)
{
	unsigned char *raw = NULL;
	char *plain = NULL;
	size_t mlen = 0;
	*out = NULL;
	if (!k || !enc || strncmp(enc, PII_PREFIX, sizeof PII_PREFIX - 1) != 0)
		return -1;
	const char *b64 = enc + sizeof PII_PREFIX - 1;
	size_t b64len = strlen(b64);
	size_t maxraw = b64len / 4 * 3 + 3;
	size_t rawlen = 0;
	const char *end = NULL;
	raw = xmalloc(maxraw);
	if (sodium_base642bin(raw, maxraw, b64, b64len, NULL, &rawlen, &end, B64) != 0 ||
	    end != b64 + b64len)
		goto fail;
	if (rawlen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
		goto fail;
	size_t clen = rawlen - crypto_secretbox_NONCEBYTES;
	mlen = clen - crypto_secretbox_MACBYTES;
	plain = xmalloc(mlen + 1);
	if (crypto_secretbox_open_easy((unsigned char *)plain, raw + crypto_secretbox_NONCEBYTES,
				       clen, raw, k->box) != 0)
		goto fail;
	plain[mlen] = '\0';
	if (memchr(plain, '\0', mlen))
		goto fail;
	free(raw);
	*out = plain;
	return 0;
fail:
	free(raw);
	if (plain) {
		sodium_memzero(plain, mlen + 1);
		free(plain);
	}
	return -1;
}

int pii_blind_index(const struct pii_keys *k, enum pii_kind kind, const char *value,
		    char out_hex[PII_INDEX_BUF])
{
	char norm[PII_CCCD_BUF];
	const char *kname;
	out_hex[0] = '\0';
	if (!k)
		return -1;
	switch (kind) {
	case PII_KIND_CCCD:
		if (pii_cccd_normalize(value, norm) != 0)
			return -1;
		kname = "cccd";
		break;
	case PII_KIND_PHONE:
		if (pii_phone_normalize(value, norm) != 0)
			return -1;
		kname = "phone";
		break;
	default:
		return -1;
	}
	crypto_generichash_state st;
	unsigned char h[32];
	crypto_generichash_init(&st, k->mac, PII_KEY_BYTES, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)PII_INDEX_DOMAIN,
				  sizeof PII_INDEX_DOMAIN);
	crypto_generichash_update(&st, (const unsigned char *)kname, strlen(kname) + 1);
	crypto_generichash_update(&st, (const unsigned char *)norm, strlen(norm));
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out_hex, PII_INDEX_BUF, h, sizeof h);
	sodium_memzero(norm, sizeof norm);
	return 0;
}

/* Keeps the first and last 3 characters of s (length n), stars between. */
static void mask_middle(const char *s, size_t n, char out[PII_MASK_BUF])
{
	memcpy(out, s, 3);
	memset(out + 3, '*', n - 6);
	memcpy(out + n - 3, s + n - 3, 3);
	out[n] = '\0';
}

int pii_mask_cccd(const char *s, char out[PII_MASK_BUF])
{
	char norm[PII_CCCD_BUF];
	if (pii_cccd_normalize(s, norm) != 0) {
		strcpy(out, "***");
		return -1;
	}
	mask_middle(norm, 12, out);
	return 0;
}

int pii_mask_phone(const char *s, char out[PII_MASK_BUF])
{
	char norm[PII_PHONE_BUF];
	if (pii_phone_normalize(s, norm) != 0) {
		strcpy(out, "***");
		return -1;
	}
	mask_middle(norm, 10, out);
	return 0;
}
