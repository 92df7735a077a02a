/* `pccc audit verify [--data DIR] [--db PATH]`: walks the audit trail in
 * order with audit_chain_verify_from and names the first entry whose link
 * or content does not match (exit 1), or prints "OK: N entries" and the
 * head (last seq and hash, to compare with a copy kept elsewhere: a chain
 * cut short at the end still verifies). */
#include "cmd/user.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "auth/audit_chain.h"
#include "cmd/cmd.h"
#include "store/auth.h"

struct walk {
	char prev[AUDIT_HASH_BUF];
	int64_t prev_seq;
	long long n;
	int64_t bad_seq;
	enum audit_fault fault;
};

static int verify_page(void *arg, const struct audit_entry *e, size_t n)
{
	struct walk *w = arg;
	size_t bad = 0;
	enum audit_fault f = AUDIT_FAULT_NONE;
	if (audit_chain_verify_from(w->prev, &w->prev_seq, e, n, &bad, &f) != 0) {
		w->bad_seq = e[bad].seq;
		w->fault = f;
		w->n += (long long)bad;
		return 1;
	}
	w->n += (long long)n;
	return 0;
}

int cmd_audit_main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "verify") != 0) {
		fputs("cách dùng / usage: pccc audit verify [--data DIR] [--db PATH]\n", stderr);
		return 2;
	}
	struct app app;
	if (cmd_app_open(&app, argc, argv, 2) != 0) {
		cmd_app_close(&app);
		return 2;
	}
	struct walk w = {.prev = AUDIT_GENESIS_HASH};
	int rc = store_audit_walk(app.store, verify_page, &w);
	int code;
	if (rc == 1) {
		printf("LỖI / FAIL: mục nhật ký số %lld không khớp (%s) / audit entry seq %lld does "
		       "not match (%s); %lld mục trước đó hợp lệ / entries before it are valid\n",
		       (long long)w.bad_seq, audit_fault_name_vi(w.fault), (long long)w.bad_seq,
		       audit_fault_name(w.fault), w.n);
		code = 1;
	} else if (rc != STORE_OK) {
		fprintf(stderr, "pccc: không đọc được nhật ký / cannot read the audit trail\n");
		code = 2;
	} else {
		printf("OK: %lld entries (%lld mục hợp lệ); head seq %lld hash %s\n", w.n, w.n,
		       (long long)w.prev_seq, w.prev);
		code = 0;
	}
	cmd_app_close(&app);
	return code;
}
