/* Alarm events decoded from DC-09 payloads: Contact ID (`ADM-CID`, cid.c)
 * and SIA DC-04 (`SIA-DCS`, sia.c), classified by the code table in
 * codes.c (the facts of ../shared/data/alarm_codes.csv). Pure functions.
 *
 * Unknown codes: an event whose code is not in the table is still decoded
 * and stored (an event is never dropped because we do not know its code),
 * with class ALARM_CLASS_STATUS and unknown = 1, so the dispatcher sees it
 * but no fire workflow starts from it. A Contact ID restore (qualifier 3)
 * keeps restore = 1 even when the code is unknown. */
#ifndef PCCC_ALARM_EVENT_H
#define PCCC_ALARM_EVENT_H
#include <stddef.h>
#include <stdint.h>

#include "alarm/dc09.h"

enum alarm_class {
	ALARM_CLASS_ALARM,
	ALARM_CLASS_PREALARM,
	ALARM_CLASS_SUPERVISORY,
	ALARM_CLASS_TROUBLE,
	ALARM_CLASS_DISABLE,
	ALARM_CLASS_TEST,
	ALARM_CLASS_STATUS,
};

/* What store_batch did with one event. */
enum alarm_store_result {
	ALARM_STORE_PENDING = 0,  /* not yet stored (set by the decoder) */
	ALARM_STORE_STORED,       /* durably stored now */
	ALARM_STORE_DUPLICATE,    /* already stored earlier (retransmission) */
	ALARM_STORE_FAILED,       /* could not be stored: the frame is NAKed */
};

#define ALARM_FRAME_EVENTS_MAX 64  /* events decoded from one frame */
#define ALARM_FIELD_MAX 9          /* zone / area / user numbers, + NUL */
#define ALARM_TEXT_MAX 64

/* One event. The frame identity (account, seq, receiver, line, bracketed
 * data, xdata, device time) is in *frame, borrowed: valid only during the
 * store_batch call; copy out what you keep. The retransmission key is
 * (account, frame->seq, frame->data, index): a re-sent frame decodes to
 * the same keys even when its timestamp (or, encrypted, its pad) differs. */
struct alarm_event {
	const struct dc09_frame *frame;
	int64_t device_id;            /* from alarm_account, for the store */
	int64_t received_ms;          /* receiver wall clock (clock_now_ms) */
	char account[DC09_ACCT_MAX];  /* header account, else the data's #acct */
	int index;                    /* position of the event in its frame */
	char code[4];                 /* as sent: "110" (Contact ID) or "FA" (SIA) */
	int cid;                      /* Contact ID code (equivalent for SIA); 0 unknown */
	char sia[3];                  /* SIA code (equivalent for Contact ID); "" unknown */
	int qualifier;                /* Contact ID 1 new, 3 restore, 6 status; 0 SIA */
	enum alarm_class cls;
	int restore;
	int unknown;                  /* code not in the table */
	char zone[ALARM_FIELD_MAX];   /* zone or user number the code addresses */
	char area[ALARM_FIELD_MAX];   /* Contact ID group/partition, SIA "ri" */
	char user[ALARM_FIELD_MAX];   /* SIA "id" */
	char dev_time[6];             /* SIA "ti" HH:MM */
	char text[ALARM_TEXT_MAX];    /* SIA text after the address or `|A...` */
	enum alarm_store_result result;
};

/* What the sink knows of a device account. */
struct alarm_account {
	int known;             /* 0: unknown account, answered with DUH */
	int64_t device_id;     /* copied into each event */
	struct dc09_key key;   /* key.len 0: plain device */
};

/* One row of the code table. */
struct alarm_code {
	int cid;
	const char *sia_new;       /* "" when SIA has no equivalent */
	const char *sia_restore;   /* "" when there is no restore code */
	enum alarm_class cls;
	const char *vi;            /* meaning, Vietnamese */
	const char *en;            /* meaning, English */
};

/* Table lookups; NULL when unknown. by_sia sets *restore when sia is the
 * row's restore code (the first row that has the code wins). */
const struct alarm_code *alarm_code_by_cid(int cid);
const struct alarm_code *alarm_code_by_sia(const char *sia, int *restore);
/* All rows (for listing), *n gets the count. */
const struct alarm_code *alarm_code_table(size_t *n);

/* "alarm", "prealarm", ... (the DESIGN's class ids) and labels. */
const char *alarm_class_name(enum alarm_class c);
const char *alarm_class_label_vi(enum alarm_class c);
/* Parses a class id; 0 or -1. */
int alarm_class_parse(const char *s, enum alarm_class *out);

/* Decoders of a frame's bracketed data (without a leading "#acct|", see
 * alarm_payload_decode). Each fills ev[0..*n) (zeroed first) with code,
 * class and fields; 0, or -1 when the data does not follow the format
 * (the frame is then answered DUH). cap is the room in ev. */
int cid_payload_decode(const char *data, struct alarm_event *ev, size_t cap, size_t *n);
int sia_payload_decode(const char *data, struct alarm_event *ev, size_t cap, size_t *n);

/* Splits a leading "#acct|" off data: acct (DC09_ACCT_MAX bytes) gets
 * the account ("" when there is none), *rest what follows. 0 or -1. */
int alarm_data_account(const char *data, char *acct, const char **rest);

/* Decodes f->data by f->id ("ADM-CID" or "SIA-DCS"): strips "#acct|",
 * fills account (header account, else the data's), frame, index. Empty
 * data gives *n = 0. -1 for another id or a malformed payload. */
int alarm_payload_decode(const struct dc09_frame *f, struct alarm_event *ev, size_t cap,
			 size_t *n);

#endif
