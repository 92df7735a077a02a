/* The dispatcher's live alarm board: GET /api/v1/alarms/stream (server-
 * sent events of the events bus, limited to the caller's communes),
 * GET /api/v1/alarms/board (open incidents, device states at a glance:
 * counts per state and the devices in alarm, trouble or communication
 * failure, both for the commune filter; the bus sequence to resume the
 * stream from), and the verification
 * workflow POST /api/v1/incidents/{id}/ack|call|verify|dispatch with
 * GET /api/v1/incidents/{id}/timeline. Each step is stored with its time
 * (injectable clock) and the dispatcher who took it, published on the bus
 * as a "board" event, and written to the audit trail. */
#include "api/board.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarm/escalate.h"
#include "app.h"
#include "auth/audit.h"
#include "auth/principal.h"
#include "core/clock.h"
#include "core/events.h"
#include "core/log.h"
#include "http/http.h"
#include "http/sse.h"
#include "store/board.h"
#include "store/scope.h"

#define BOARD_ATTENTION_MAX 50  /* devices needing attention in a snapshot */

#define ID_PARAM                                                                       \
	{.name = "id", .in = PARAM_IN_PATH, .type = PARAM_INT, .required = 1, .min = 1,   \
	 .max = 9007199254740991LL, .description = "incident id"}

const struct param_spec api_board_stream_params[] = {
	{.name = "last_event_id", .type = PARAM_INT, .min = 0, .max = 9007199254740991LL,
	 .description = "resume after this bus sequence (the Last-Event-ID header wins)"},
	{0},
};

const struct param_spec api_board_get_params[] = {
	{.name = "state", .type = PARAM_ENUM,
	 .values = "active|all|open|verifying|confirmed|false_alarm|dispatched|closed",
	 .description = "active (default: open, verifying, confirmed, dispatched), all, or one state"},
	{.name = "unit", .type = PARAM_DIGITS, .max_len = 5,
	 .description = "only incidents in this commune (2025 code)"},
	{.name = "limit", .type = PARAM_INT, .min = 1, .max = 500, .clamp = 1,
	 .description = "at most this many incidents (clamped to 500)"},
	{0},
};

const struct param_spec api_board_id_params[] = {
	ID_PARAM,
	{0},
};

const struct param_spec api_board_timeline_params[] = {
	ID_PARAM,
	PARAMS_LIST,
	{0},
};

const struct param_spec api_board_call_body[] = {
	{.name = "contact", .type = PARAM_STRING, .required = 1, .max_len = 200,
	 .description = "who was called"},
	{.name = "phone", .type = PARAM_STRING, .max_len = 40,
	 .description = "the number called (stored masked)"},
	{.name = "result", .type = PARAM_ENUM, .required = 1,
	 .values = "answered|no_answer|busy|wrong_number", .description = "how the call went"},
	{.name = "note", .type = PARAM_STRING, .max_len = 1000, .description = "free text"},
	{0},
};

const struct param_spec api_board_verify_body[] = {
	{.name = "outcome", .type = PARAM_ENUM, .required = 1, .values = "false_alarm|confirmed",
	 .description = "false_alarm or confirmed"},
	{.name = "note", .type = PARAM_STRING, .max_len = 1000, .description = "free text"},
	{0},
};

const struct param_spec api_board_dispatch_body[] = {
	{.name = "note", .type = PARAM_STRING, .max_len = 1000,
	 .description = "what was dispatched, to whom"},
	{0},
};

static const struct export_col step_cols[] = {
	{"at", "Thời điểm", "Time"},
	{"kind", "Bước", "Step"},
	{"actor", "Người thực hiện", "By"},
	{"actor_name", "Họ tên", "Name"},
	{"contact", "Người được gọi", "Contact"},
	{"phone", "Số điện thoại", "Phone"},
	{"result", "Kết quả gọi", "Call result"},
	{"outcome", "Kết luận", "Outcome"},
	{"note", "Ghi chú", "Note"},
	{"state_from", "Trạng thái trước", "State before"},
	{"state_to", "Trạng thái sau", "State after"},
	{0},
};

static void reply_internal(struct req *r, struct resp *out)
{
	http_reply_error(r, out, 500, "internal", "Lỗi máy chủ / Server error", NULL);
}

static void reply_not_found(struct req *r, struct resp *out)
{
	http_reply_error(r, out, 404, "not_found", "Không tìm thấy sự cố / Incident not found", "id");
}

static const char *body_str(struct req *r, const char *key)
{
	if (!r->json)
		return NULL;
	const char *v = json_string_value(json_object_get(r->json, key));
	return v && *v ? v : NULL;
}

void api_board_stream(struct req *r, struct resp *out)
{
	char *units = NULL;
	if (store_scope_units_json(r->app->store, &r->who->scope, &units) != 0) {
		reply_internal(r, out);
		return;
	}
	sse_reply_stream(r, out, units, req_param_int(r, "last_event_id", -1));
	free(units);
}

void api_board_get(struct req *r, struct resp *out)
{
	/* the sequence before the read: events after it are replayed */
	long long seq = sse_last_seq();
	struct board_query q = {.scope = &r->who->scope,
				.state = req_param(r, "state"),
				.unit = req_param(r, "unit"),
				.limit = (int)req_param_int(r, "limit", 500)};
	json_t *items = NULL, *devices = NULL, *attention = NULL;
	if (store_board_list(r->app->store, &q, &items) != STORE_OK ||
	    store_board_devices(r->app->store, &r->who->scope, q.unit, BOARD_ATTENTION_MAX,
				&devices, &attention) != STORE_OK) {
		json_decref(items);
		reply_internal(r, out);
		return;
	}
	json_t *o = json_object();
	json_object_set_new(o, "incidents", items);
	json_object_set_new(o, "devices", devices);
	json_object_set_new(o, "attention", attention);
	json_object_set_new(o, "last_event_id", json_integer(seq));
	json_object_set_new(o, "escalate_s", json_integer(escalate_period_ms() / 1000));
	json_object_set_new(o, "now_ms", json_integer(clock_now_ms()));
	out->no_cache = 1;
	http_reply_json(r, out, 200, o);
}

static void do_step(struct req *r, struct resp *out, enum board_step_kind kind)
{
	long long id = req_param_int(r, "id", 0);
	struct board_step step = {
	    .kind = kind,
	    .at_ms = clock_now_ms(),
	    .actor_id = r->who->account_id,
	    .actor = r->who->username,
	    .actor_name = r->who->display_name,
	    .contact = body_str(r, "contact"),
	    .phone = body_str(r, "phone"),
	    .result = body_str(r, "result"),
	    .outcome = body_str(r, "outcome"),
	    .note = body_str(r, "note"),
	};
	json_t *inc = NULL;
	const char *state = NULL;
	int rc = store_board_step(r->app->store, &r->who->scope, id, &step, &inc, &state);
	if (rc == STORE_NOT_FOUND) {
		reply_not_found(r, out);
		return;
	}
	if (rc == STORE_CONFLICT) {
		static const char *const msg[] = {
		    [BOARD_STEP_ACK] = "Chỉ tiếp nhận được sự cố đang mở / Only an open incident "
				       "can be acknowledged",
		    [BOARD_STEP_CALL] = "Hãy tiếp nhận sự cố trước khi gọi / Acknowledge the "
					"incident before calling",
		    [BOARD_STEP_VERIFY] = "Chỉ kết luận được sự cố đang xác minh / Only an incident "
					  "being verified can be marked",
		    [BOARD_STEP_DISPATCH] = "Chỉ điều động cho sự cố đã xác nhận cháy / Only a "
					    "confirmed incident can be dispatched",
		    [BOARD_STEP_ESCALATION] = "",
		};
		json_t *e = json_pack("{s:{s:s,s:s,s:s,s:s?}}", "error", "code", "invalid_state",
				      "message", msg[kind], "field", "state", "state", state);
		http_reply_json(r, out, 409, e);
		out->no_cache = 1;
		return;
	}
	if (rc != STORE_OK) {
		reply_internal(r, out);
		return;
	}
	char rid[24];
	snprintf(rid, sizeof rid, "%lld", id);
	json_t *af = json_pack("{s:s,s:s?,s:s?,s:s?}", "step", board_step_id(kind), "outcome",
			       step.outcome, "result", step.result, "state",
			       json_string_value(json_object_get(inc, "state")));
	if (audit_log(r, "incident.step", "incident", rid, af) != 0)
		log_error("audit entry for incident %lld step %s failed", id, board_step_id(kind));
	json_decref(af);
	const char *unit = json_string_value(json_object_get(inc, "unit"));
	json_t *ev = json_pack("{s:s,s:s,s:s,s:O}", "step", board_step_id(kind), "by",
			       r->who->username, "by_name", r->who->display_name, "incident", inc);
	events_publish("board", unit, ev);
	http_reply_json(r, out, 200, inc);
}

void api_board_ack(struct req *r, struct resp *out)
{
	do_step(r, out, BOARD_STEP_ACK);
}

void api_board_call(struct req *r, struct resp *out)
{
	do_step(r, out, BOARD_STEP_CALL);
}

void api_board_verify(struct req *r, struct resp *out)
{
	do_step(r, out, BOARD_STEP_VERIFY);
}

void api_board_dispatch(struct req *r, struct resp *out)
{
	do_step(r, out, BOARD_STEP_DISPATCH);
}

void api_board_timeline(struct req *r, struct resp *out)
{
	long long id = req_param_int(r, "id", 0);
	json_t *items = NULL;
	int rc = store_board_timeline(r->app->store, &r->who->scope, id, &items);
	if (rc == STORE_NOT_FOUND) {
		reply_not_found(r, out);
		return;
	}
	if (rc != STORE_OK) {
		reply_internal(r, out);
		return;
	}
	const char *format = req_param(r, "format");
	if (format && strcmp(format, "json") != 0) {
		http_reply_export(r, out, format, "incident-timeline", step_cols, items);
		return;
	}
	out->no_cache = 1;
	http_reply_list(r, out, items, NULL);
}
