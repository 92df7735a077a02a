/* The alarm code table: Contact ID codes relevant to fire, their SIA
 * equivalents and class, as in ../shared/data/alarm_codes.csv (public code
 * tables; these codes are facts), with a Vietnamese meaning for the
 * dispatcher's screen. Also the class names and the payload dispatcher. */
#include "alarm/event.h"

#include <string.h>

static const struct alarm_code codes[] = {
	{110, "FA", "FH", ALARM_CLASS_ALARM, "Cháy", "Fire"},
	{111, "FA", "FH", ALARM_CLASS_ALARM, "Khói", "Smoke"},
	{112, "FA", "FH", ALARM_CLASS_ALARM, "Bốc cháy", "Combustion"},
	{113, "SA", "SH", ALARM_CLASS_ALARM, "Có dòng chảy nước chữa cháy", "Water flow"},
	{114, "KA", "KH", ALARM_CLASS_ALARM, "Nhiệt", "Heat"},
	{115, "FA", "FH", ALARM_CLASS_ALARM, "Nút ấn báo cháy",
	 "Manual call point (pull station)"},
	{116, "FA", "FH", ALARM_CLASS_ALARM, "Đầu báo ống gió", "Duct"},
	{117, "FA", "FH", ALARM_CLASS_ALARM, "Ngọn lửa", "Flame"},
	{118, "", "", ALARM_CLASS_PREALARM, "Tiền báo động", "Near alarm (pre-alarm)"},
	{200, "FS", "FV", ALARM_CLASS_SUPERVISORY, "Giám sát hệ thống chữa cháy",
	 "Fire supervisory"},
	{201, "FS", "FV", ALARM_CLASS_SUPERVISORY, "Áp lực nước thấp", "Low water pressure"},
	{202, "FS", "FV", ALARM_CLASS_SUPERVISORY, "Khí CO2 thấp", "Low CO2"},
	{203, "FS", "FV", ALARM_CLASS_SUPERVISORY, "Cảm biến van cổng", "Gate valve sensor"},
	{204, "FS", "FV", ALARM_CLASS_SUPERVISORY, "Mực nước thấp", "Low water level"},
	{205, "FS", "FV", ALARM_CLASS_SUPERVISORY, "Bơm đã chạy", "Pump activated"},
	{206, "FS", "FV", ALARM_CLASS_SUPERVISORY, "Hỏng bơm", "Pump failure"},
	{301, "AT", "AR", ALARM_CLASS_TROUBLE, "Mất điện lưới", "AC power loss"},
	{302, "YT", "YR", ALARM_CLASS_TROUBLE, "Ắc quy hệ thống yếu", "Low system battery"},
	{311, "YM", "YR", ALARM_CLASS_TROUBLE, "Mất hoặc hỏng ắc quy",
	 "Battery missing or dead"},
	{350, "YC", "YK", ALARM_CLASS_TROUBLE, "Sự cố truyền tin", "Communication trouble"},
	{354, "YC", "YK", ALARM_CLASS_TROUBLE, "Không truyền được tin",
	 "Failure to communicate"},
	{373, "FT", "FJ", ALARM_CLASS_TROUBLE, "Sự cố mạch báo cháy", "Fire loop trouble"},
	{380, "YX", "YZ", ALARM_CLASS_TROUBLE, "Sự cố đầu báo", "Sensor trouble"},
	{381, "YC", "YK", ALARM_CLASS_TROUBLE, "Mất giám sát (vô tuyến)",
	 "Loss of supervision (RF)"},
	{571, "FB", "FU", ALARM_CLASS_DISABLE, "Cô lập vùng báo cháy", "Fire bypass"},
	{601, "RX", "", ALARM_CLASS_TEST, "Kiểm tra thủ công", "Manual test"},
	{602, "RP", "", ALARM_CLASS_TEST, "Kiểm tra định kỳ", "Periodic test"},
	{604, "FX", "", ALARM_CLASS_TEST, "Kiểm tra báo cháy", "Fire test"},
	{608, "RY", "", ALARM_CLASS_TEST, "Kiểm tra định kỳ khi đang có sự cố",
	 "Periodic test with trouble present"},
	{614, "FK", "", ALARM_CLASS_TEST, "Kiểm tra đi vùng báo cháy", "Fire zone walk test"},
	{912, "FL", "", ALARM_CLASS_STATUS, "Đã tắt còi báo cháy", "Fire alarm silenced"},
};

static const struct {
	const char *name;
	const char *vi;
} classes[] = {
	[ALARM_CLASS_ALARM] = {"alarm", "Báo cháy"},
	[ALARM_CLASS_PREALARM] = {"prealarm", "Tiền báo động"},
	[ALARM_CLASS_SUPERVISORY] = {"supervisory", "Giám sát"},
	[ALARM_CLASS_TROUBLE] = {"trouble", "Sự cố"},
	[ALARM_CLASS_DISABLE] = {"disable", "Vô hiệu hoá"},
	[ALARM_CLASS_TEST] = {"test", "Kiểm tra"},
	[ALARM_CLASS_STATUS] = {"status", "Trạng thái"},
};

#define N_CODES (sizeof codes / sizeof codes[0])
#define N_CLASSES (sizeof classes / sizeof classes[0])

const struct alarm_code *alarm_code_table(size_t *n)
{
	*n = N_CODES;
	return codes;
}

const struct alarm_code *alarm_code_by_cid(int cid)
{
	for (size_t i = 0; i < N_CODES; i++)
		if (codes[i].cid == cid)
			return &codes[i];
	return NULL;
}

const struct alarm_code *alarm_code_by_sia(const char *sia, int *restore)
{
	if (!sia || !sia[0])
		return NULL;
	for (size_t i = 0; i < N_CODES; i++) {
		if (strcmp(codes[i].sia_new, sia) == 0) {
			*restore = 0;
			return &codes[i];
		}
		if (strcmp(codes[i].sia_restore, sia) == 0) {
			*restore = 1;
			return &codes[i];
		}
	}
	return NULL;
}

const char *alarm_class_name(enum alarm_class c)
{
	return (unsigned)c < N_CLASSES ? classes[c].name : "status";
}

const char *alarm_class_label_vi(enum alarm_class c)
{
	return (unsigned)c < N_CLASSES ? classes[c].vi : classes[ALARM_CLASS_STATUS].vi;
}

int alarm_class_parse(const char *s, enum alarm_class *out)
{
	for (size_t i = 0; i < N_CLASSES && s; i++) {
		if (strcmp(classes[i].name, s) == 0) {
			*out = (enum alarm_class)i;
			return 0;
		}
	}
	return -1;
}

int alarm_data_account(const char *data, char *acct, const char **rest)
{
	const char *bar;
	size_t len;

	acct[0] = '\0';
	*rest = data;
	if (data[0] != '#')
		return 0;
	bar = strchr(data, '|');
	len = bar ? (size_t)(bar - data - 1) : strlen(data + 1);
	if (len < 1 || len >= DC09_ACCT_MAX)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = data[1 + i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')))
			return -1;
	}
	memcpy(acct, data + 1, len);
	acct[len] = '\0';
	*rest = bar ? bar + 1 : data + 1 + len;
	return 0;
}

int alarm_payload_decode(const struct dc09_frame *f, struct alarm_event *ev, size_t cap,
			 size_t *n)
{
	char acct[DC09_ACCT_MAX];
	const char *data;
	int rc;

	*n = 0;
	if (alarm_data_account(f->data, acct, &data) != 0)
		return -1;
	if (strcmp(f->id, "ADM-CID") == 0)
		rc = data[0] ? cid_payload_decode(data, ev, cap, n) : 0;
	else if (strcmp(f->id, "SIA-DCS") == 0)
		rc = sia_payload_decode(data, ev, cap, n);
	else
		return -1;
	if (rc != 0)
		return -1;
	for (size_t i = 0; i < *n; i++) {
		ev[i].frame = f;
		ev[i].index = (int)i;
		memcpy(ev[i].account, f->acct_mark == '#' ? f->account : acct, DC09_ACCT_MAX);
	}
	return 0;
}
