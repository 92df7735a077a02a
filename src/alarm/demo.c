/* Demo alarm transmitters (see cmd/demo.h): five devices at Hà Nội sites
 * (Phường Khương Đình and neighbours), plain and AES-128/192/256, live
 * from the start so their first frame is handled like a real alarm. A
 * rerun finds them by account and creates nothing twice; both reruns and
 * first runs append the same entries to demo-devices.json. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alarm/service.h"
#include "app.h"
#include "auth/service.h"
#include "cmd/demo.h"
#include "core/clock.h"
#include "core/log.h"
#include "store/alarm.h"

struct demo_device {
	const char *account, *receiver, *line, *key;
	const char *site_name, *address, *unit;
	double lat, lon;
	const char *contacts;
};

static const struct demo_device demo_devices[] = {
	{"1234", "1", "1", NULL, "Chung cư 282 Khương Đình",
	 "282 phố Khương Đình, Phường Khương Đình, Hà Nội", "00364", 20.99352, 105.81361,
	 "[{\"name\":\"Nguyễn Văn An\",\"phone\":\"0912345678\"},"
	 "{\"name\":\"Trần Thị Bình\",\"phone\":\"0987654321\"}]"},
	{"2345", "1", "1", "000102030405060708090A0B0C0D0E0F", "Trung tâm thương mại 445 Nguyễn Trãi",
	 "445 đường Nguyễn Trãi, Phường Khương Đình, Hà Nội", "00364", 20.98955, 105.80890,
	 "[{\"name\":\"Lê Minh Châu\",\"phone\":\"0903123456\"}]"},
	{"3456", "1", "1",
	 "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
	 "Nhà xưởng may 20 Hạ Đình", "20 phố Hạ Đình, Phường Khương Đình, Hà Nội", "00364",
	 20.98710, 105.81240, "[{\"name\":\"Phạm Quốc Dũng\",\"phone\":\"0978111222\"}]"},
	{"4567", "1", "2", NULL, "Ký túc xá 1 Tôn Thất Tùng",
	 "1 phố Tôn Thất Tùng, Phường Kim Liên, Hà Nội", "00229", 21.00402, 105.83012,
	 "[{\"name\":\"Hoàng Thu Hà\",\"phone\":\"0934555666\"}]"},
	{"5678", "1", "2", "0F0E0D0C0B0A09080706050403020100F0E0D0C0B0A09080",
	 "Nhà hàng 120 Thái Hà", "120 phố Thái Hà, Phường Đống Đa, Hà Nội", "00235", 21.01168,
	 105.82034, "[{\"name\":\"Vũ Đức Giang\",\"phone\":\"0961777888\"}]"},
};

int alarm_demo_seed(struct app *app, const struct demo_ctx *ctx, json_t *devices)
{
	size_t n = sizeof demo_devices / sizeof demo_devices[0];

	for (size_t i = 0; i < n; i++) {
		const struct demo_device *dd = &demo_devices[i];
		const char *facility = ctx && (int)i < ctx->nfacilities && ctx->facility_ids[i][0]
					       ? ctx->facility_ids[i]
					       : NULL;
		int64_t id = 0;
		if (store_device_find(app->store, dd->account, dd->receiver, dd->line, &id) !=
		    STORE_OK)
			return -1;
		if (!id) {
			struct store_device d;
			memset(&d, 0, sizeof d);
			d.account = (char *)(uintptr_t)dd->account;
			d.receiver = (char *)(uintptr_t)dd->receiver;
			d.line = (char *)(uintptr_t)dd->line;
			d.key = (char *)(uintptr_t)dd->key;
			d.key_kind = dd->key ? (char *)(uintptr_t)"hex" : NULL;
			d.facility_id = (char *)(uintptr_t)facility;
			d.site_name = (char *)(uintptr_t)dd->site_name;
			d.address = (char *)(uintptr_t)dd->address;
			d.unit = (char *)(uintptr_t)dd->unit;
			d.lat = dd->lat;
			d.lon = dd->lon;
			d.contacts = (char *)(uintptr_t)dd->contacts;
			d.supervision_s = 86400;
			d.commissioning = (char *)(uintptr_t)"live";
			d.state = (char *)(uintptr_t)"normal";
			if (store_device_create(app->store, auth_pii_keys(app), &d, clock_now_ms(),
						&id) != STORE_OK) {
				log_error("alarm demo: cannot create device %s", dd->account);
				return -1;
			}
			alarm_service_device_changed(app, id);
		}
		char r[8], l[8];
		snprintf(r, sizeof r, "R%s", dd->receiver);
		snprintf(l, sizeof l, "L%s", dd->line);
		json_array_append_new(devices,
				      json_pack("{s:s,s:o,s:s,s:s,s:o}", "account", dd->account,
						"key", dd->key ? json_string(dd->key) : json_null(),
						"receiver", r, "line", l, "facility",
						facility ? json_string(facility) : json_null()));
	}
	return 0;
}
