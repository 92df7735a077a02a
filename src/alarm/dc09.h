/* SIA DC-09 frame codec: typed, length-checked parsing of one frame
 * `LF crc4 0LLL "ID" seq4 [Rrcvr] Lline [#acct] [data] [xdata]* [_time] CR`,
 * the CRC-16/ARC and hex length over `"ID"`…end, AES-CBC decryption of
 * `*`-marked frames, and the encoder for the receiver's ACK, NAK and DUH.
 * Pure functions without I/O: time ("now") is always passed in. */
#ifndef PCCC_ALARM_DC09_H
#define PCCC_ALARM_DC09_H
#include <stddef.h>
#include <stdint.h>

#define DC09_FRAME_MAX 1024     /* bytes between LF and CR, both excluded */
#define DC09_ID_MAX 16          /* id token without '*' and quotes, + NUL */
#define DC09_SEQ_MAX 5          /* exactly 4 digits + NUL */
#define DC09_RCVR_MAX 7         /* 1..6 hex digits + NUL */
#define DC09_LINE_MAX 7         /* 1..6 hex digits + NUL */
#define DC09_ACCT_MAX 17        /* 1..16 hex digits + NUL */
#define DC09_DATA_MAX DC09_FRAME_MAX
#define DC09_XDATA_MAX 8        /* extended data blocks kept per frame */
#define DC09_XVAL_MAX 128       /* one block's value + NUL */
#define DC09_PAD_MAX 17         /* 0..16 pad bytes + NUL */
#define DC09_TIME_PAST_S 40     /* a frame may be this old ... */
#define DC09_TIME_FUTURE_S 20   /* ... or this far ahead of the receiver */

enum dc09_err {
	DC09_OK = 0,
	DC09_ERR_FORMAT = -1,    /* header or body does not follow the grammar */
	DC09_ERR_CRC = -2,       /* CRC field differs from the computed CRC */
	DC09_ERR_LENGTH = -3,    /* length field differs from the body length */
	DC09_ERR_TOO_LONG = -4,  /* more than DC09_FRAME_MAX bytes */
	DC09_ERR_KEY = -5,       /* no usable key (missing, wrong size, bad hex) */
	DC09_ERR_DECRYPT = -6,   /* ciphertext does not decrypt to a DC-09 body */
	DC09_ERR_TIME = -7,      /* encrypted frame without a valid timestamp */
	DC09_ERR_SPACE = -8,     /* encoder: output buffer too small */
};

/* One extended data block `[Kvalue]`: key is its first byte ('X' lon,
 * 'Y' lat, 'L' location text, 'A' ..., 'H' ..., 'P' ...), 0 for `[]`. */
struct dc09_xdata {
	char key;
	char value[DC09_XVAL_MAX];
};

/* A decoded frame. Every string is NUL-terminated and within its array. */
struct dc09_frame {
	char id[DC09_ID_MAX];       /* "SIA-DCS", "ADM-CID", "NULL", "ACK", ... */
	int encrypted;              /* the token began with '*' */
	char seq[DC09_SEQ_MAX];     /* "0001" */
	int has_receiver;
	char receiver[DC09_RCVR_MAX];  /* hex digits after 'R' */
	char line[DC09_LINE_MAX];      /* hex digits after 'L' */
	/* '#' before an account, 0 none. 'A' is only written, by the NAK
	 * encoder ("L0A0"); since 'A' is a hex digit a parsed NAK reads
	 * "L0A0" as line "0A0", as every DC-09 decoder does. */
	char acct_mark;
	char account[DC09_ACCT_MAX];
	char data[DC09_DATA_MAX];   /* inside the first brackets, without them */
	size_t n_xdata;
	struct dc09_xdata xdata[DC09_XDATA_MAX];
	int has_time;
	int64_t time_s;             /* `_HH:MM:SS,MM-DD-YYYY` as Unix seconds (UTC) */
	/* Encrypted frames only. cipher: the hex text after '[' as received
	 * (set by dc09_frame_parse; data/xdata/time are filled by
	 * dc09_frame_decrypt). pad: the pad that decryption found, reused by
	 * the encoder when has_pad is set so a frame re-encodes byte for byte;
	 * pad_bar says whether a '|' ended it. */
	char cipher[DC09_FRAME_MAX];
	int has_pad;
	int pad_bar;
	char pad[DC09_PAD_MAX];
};

/* An AES key: len 16, 24 or 32 (0 = none). */
struct dc09_key {
	unsigned char bytes[32];
	size_t len;
};

enum dc09_key_form {
	DC09_KEY_AUTO,  /* 48/64 chars or 32 hex digits: hex; 16/24/32 other: raw */
	DC09_KEY_RAW,   /* 16/24/32 characters used as they are */
	DC09_KEY_HEX,   /* 32/48/64 hex digits */
};

/* CRC-16/ARC (poly 0xA001 reflected, init 0, no final xor). */
uint16_t dc09_crc16(const void *p, size_t n);

/* Stable machine name of an error ("bad_crc", ...); never NULL. */
const char *dc09_err_name(int err);

/* Parses one frame: the bytes between LF and CR (a leading LF and a
 * trailing CR are accepted and skipped). Checks length, CRC and grammar;
 * a plain frame is decoded completely, an encrypted one up to its cipher
 * text (see dc09_frame_decrypt). Returns 0 or a negative enum dc09_err;
 * on error *f holds whatever was decoded before the failure. */
int dc09_frame_parse(const char *buf, size_t len, struct dc09_frame *f);

/* Decrypts f->cipher with key and fills data, xdata, time and pad.
 * DC09_ERR_KEY without a key, DC09_ERR_DECRYPT when the plain text is not
 * `pad[|]data][xdata]*_time`, DC09_ERR_TIME when the timestamp is missing
 * or invalid. Does not check the time window (dc09_time_check). */
int dc09_frame_decrypt(struct dc09_frame *f, const struct dc09_key *key);

/* Encodes f as LF crc len body CR into out (NUL-terminated; *outlen bytes
 * without the NUL). An encrypted f needs key; its pad is f->pad when
 * f->has_pad (total must then fill whole blocks), else random bytes
 * ended by '|'. Returns 0 or a negative enum dc09_err. */
int dc09_frame_encode(const struct dc09_frame *f, const struct dc09_key *key, char *out,
		      size_t cap, size_t *outlen);

/* Receiver responses, encoded like dc09_frame_encode.
 * ACK echoes seq, R, L and account; the ACK to an encrypted frame is
 * "*ACK" encrypted with key and carries the receiver time now_ms.
 * NAK is `"NAK"0000R0L0A0[]_HH:MM:SS,MM-DD-YYYY` with the receiver time.
 * DUH echoes seq, R, L and account, never encrypted. */
int dc09_ack_encode(const struct dc09_frame *req, const struct dc09_key *key, int64_t now_ms,
		    char *out, size_t cap, size_t *outlen);
int dc09_nak_encode(int64_t now_ms, char *out, size_t cap, size_t *outlen);
int dc09_duh_encode(const struct dc09_frame *req, char *out, size_t cap, size_t *outlen);

/* Reads a key given as text (see enum dc09_key_form). 0 or DC09_ERR_KEY. */
int dc09_key_parse(const char *text, enum dc09_key_form form, struct dc09_key *out);

/* `HH:MM:SS,MM-DD-YYYY` (no '_', exactly 19 chars) → Unix seconds. 0 or -1. */
int dc09_time_parse(const char *s, size_t len, int64_t *out);
/* Unix ms → `HH:MM:SS,MM-DD-YYYY` into out (at least 20 bytes). */
void dc09_time_format(int64_t ms, char *out);
/* 0 when a frame stamped time_s is at most DC09_TIME_PAST_S behind and
 * DC09_TIME_FUTURE_S ahead of now_ms (both edges inclusive), else -1. */
int dc09_time_check(int64_t time_s, int64_t now_ms);

#endif
