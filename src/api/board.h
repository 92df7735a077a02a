/* The dispatcher's live alarm board (src/api/board.c): the event stream,
 * the board snapshot, and the verification workflow on incidents. The
 * route table (routes.c, alarms section) references these. */
#ifndef PCCC_API_BOARD_H
#define PCCC_API_BOARD_H
#include "http/route.h"

struct req;
struct resp;

void api_board_stream(struct req *r, struct resp *out);
void api_board_get(struct req *r, struct resp *out);
void api_board_ack(struct req *r, struct resp *out);
void api_board_call(struct req *r, struct resp *out);
void api_board_verify(struct req *r, struct resp *out);
void api_board_dispatch(struct req *r, struct resp *out);
void api_board_timeline(struct req *r, struct resp *out);

extern const struct param_spec api_board_stream_params[];
extern const struct param_spec api_board_get_params[];
extern const struct param_spec api_board_id_params[];
extern const struct param_spec api_board_timeline_params[];
extern const struct param_spec api_board_call_body[];
extern const struct param_spec api_board_verify_body[];
extern const struct param_spec api_board_dispatch_body[];

#endif
