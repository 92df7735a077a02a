/* `pccc user add|passwd|disable|enable`: account administration from the
 * shell, for the first admin and for emergencies. Each change is audited
 * as a command-line action (actor "cli:" + the OS user).
 *
 *   pccc user add --username U --role R --unit CODE [--display-name N]
 *                 [--covered 00364,00352] [--password P]
 *   pccc user passwd --username U [--password P]
 *   pccc user disable --username U      pccc user enable --username U
 * plus the usual --db / --data flags. Without --password a temporary one is
 * generated and printed; the account must change it at first sign-in. */
#include "cmd/user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/account.h"
#include "auth/audit.h"
#include "auth/password.h"
#include "cmd/cmd.h"
#include "core/alloc.h"
#include "store/auth.h"

struct user_opts {
	const char *username, *role, *unit, *display_name, *password, *covered;
};

static void user_usage(void)
{
	fputs("cách dùng / usage:\n"
	      "  pccc user add --username U --role ROLE --unit CODE [--display-name TÊN]\n"
	      "                [--covered 00364,00352] [--password MẬT_KHẨU] [--data DIR|--db PATH]\n"
	      "  pccc user passwd --username U [--password MẬT_KHẨU] [--data DIR|--db PATH]\n"
	      "  pccc user disable|enable --username U [--data DIR|--db PATH]\n"
	      "Vai trò / roles: citizen facility_owner commune_officer fire_team city_fire_police\n"
	      "                 dispatcher auditor admin\n"
	      "Không có --password: in ra mật khẩu tạm, phải đổi khi đăng nhập lần đầu /\n"
	      "without --password a temporary password is printed (to be changed at first sign-in)\n",
	      stderr);
}

/* Takes this command's flags out of argv; the rest (db, data ...) goes to
 * *rest for cmd_app_open. -1 on a flag without a value. */
static int parse_opts(int argc, char **argv, struct user_opts *o, char **rest, int *nrest)
{
	static const char *const names[] = {"username", "role", "unit", "display-name", "password",
					    "covered"};
	const char **slots[] = {&o->username, &o->role, &o->unit, &o->display_name, &o->password,
				&o->covered};
	*nrest = 0;
	rest[(*nrest)++] = argv[0];
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		int taken = 0;
		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
			size_t nl = strlen(names[k]);
			if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, names[k], nl) != 0)
				continue;
			if (a[2 + nl] == '=') {
				*slots[k] = a + 3 + nl;
			} else if (a[2 + nl] == '\0') {
				if (i + 1 >= argc) {
					fprintf(stderr, "pccc: thiếu giá trị cho / missing value for %s\n", a);
					return -1;
				}
				*slots[k] = argv[++i];
			} else {
				continue;
			}
			taken = 1;
			break;
		}
		if (!taken)
			rest[(*nrest)++] = argv[i];
	}
	return 0;
}

static int split_covered(char *s, const char **out, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *t = strtok_r(s, ",; ", &save); t; t = strtok_r(NULL, ",; ", &save)) {
		if (n == max)
			return -1;
		out[n++] = t;
	}
	return (int)n;
}

static int user_add(struct app *app, struct user_opts *o)
{
	char uname[AUTH_USERNAME_BUF], temp[AUTH_TEMP_PASSWORD_LEN + 1] = "";
	char hash[PASSWORD_HASH_BUF];
	enum role role;
	const char *covered[AUTH_MAX_COVERED];
	const char *msg, *field;
	if (!o->username || auth_username_normalize(o->username, uname) != 0) {
		fprintf(stderr, "pccc: tên đăng nhập không hợp lệ (3-63 ký tự a-z 0-9 . _ -) / invalid "
				"username\n");
		return 2;
	}
	if (!o->role || roles_parse(o->role, &role) != 0) {
		fprintf(stderr, "pccc: vai trò không hợp lệ / invalid role: %s\n", o->role ? o->role : "");
		user_usage();
		return 2;
	}
	char *cov = o->covered ? xstrdup(o->covered) : NULL;
	int ncov = cov ? split_covered(cov, covered, AUTH_MAX_COVERED) : 0;
	int rc = 1;
	if (ncov < 0 || auth_account_check_units(app->store, "", role, o->unit, covered,
						 (size_t)(ncov < 0 ? 0 : ncov), &msg, &field) != 0) {
		fprintf(stderr, "pccc: %s: %s\n", field ? field : "covered",
			ncov < 0 ? "quá nhiều xã/phường / too many communes" : msg);
		goto done;
	}
	const char *pw = o->password;
	if (pw) {
		const char *vi = NULL, *en = NULL;
		if (password_check_policy(pw, uname, &vi, &en) != 0) {
			fprintf(stderr, "pccc: mật khẩu chưa đạt / weak password: %s / %s\n", vi, en);
			goto done;
		}
	} else {
		auth_password_generate(temp);
		pw = temp;
	}
	if (password_hash(pw, hash) != 0)
		goto done;
	struct account_new a = {.username = uname,
				.display_name = o->display_name ? o->display_name : "",
				.role = role,
				.home_unit = o->unit,
				.password_hash = hash,
				.must_change_password = 1,
				.covered = covered,
				.ncovered = (size_t)ncov};
	long long id = 0;
	int src = store_account_create(app->store, &a, &id);
	if (src == STORE_CONFLICT) {
		fprintf(stderr, "pccc: tên đăng nhập đã có / username already taken: %s\n", uname);
		goto done;
	}
	if (src != STORE_OK) {
		fprintf(stderr, "pccc: không tạo được tài khoản / cannot create the account\n");
		goto done;
	}
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", id);
	json_t *f = json_pack("{s:s,s:s,s:s}", "username", uname, "role", roles_id(role), "unit",
			      o->unit);
	audit_log_system(app, NULL, "account.create", "account", sid, f);
	json_decref(f);
	printf("Đã tạo tài khoản / created account %s (id %lld, %s, %s)\n", uname, id,
	       roles_id(role), o->unit);
	if (temp[0])
		printf("Mật khẩu tạm / temporary password: %s\n", temp);
	rc = 0;
done:
	free(cov);
	return rc;
}

static int user_change(struct app *app, const char *sub, struct user_opts *o)
{
	char uname[AUTH_USERNAME_BUF];
	struct account a;
	if (!o->username || auth_username_normalize(o->username, uname) != 0) {
		fprintf(stderr, "pccc: cần --username / --username is required\n");
		return 2;
	}
	if (store_account_by_username(app->store, uname, &a) != STORE_OK) {
		fprintf(stderr, "pccc: không có tài khoản / no such account: %s\n", uname);
		return 1;
	}
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", a.id);
	int rc = 1;
	if (strcmp(sub, "passwd") == 0) {
		char temp[AUTH_TEMP_PASSWORD_LEN + 1] = "", hash[PASSWORD_HASH_BUF];
		const char *pw = o->password;
		const char *vi = NULL, *en = NULL;
		if (pw && password_check_policy(pw, uname, &vi, &en) != 0) {
			fprintf(stderr, "pccc: mật khẩu chưa đạt / weak password: %s / %s\n", vi, en);
			goto done;
		}
		if (!pw) {
			auth_password_generate(temp);
			pw = temp;
		}
		if (password_hash(pw, hash) != 0 ||
		    store_account_set_password(app->store, a.id, hash, temp[0] != 0) != STORE_OK)
			goto done;
		store_sessions_delete_account(app->store, a.id, NULL, NULL);
		audit_log_system(app, NULL, "account.reset_password", "account", sid, NULL);
		printf("Đã đặt mật khẩu mới cho / new password set for %s\n", uname);
		if (temp[0])
			printf("Mật khẩu tạm / temporary password: %s\n", temp);
	} else {
		int dis = strcmp(sub, "disable") == 0;
		if (store_account_set_disabled(app->store, a.id, dis) != STORE_OK)
			goto done;
		if (dis)
			store_sessions_delete_account(app->store, a.id, NULL, NULL);
		audit_log_system(app, NULL, dis ? "account.disable" : "account.enable", "account", sid,
				 NULL);
		printf("%s / %s: %s\n", dis ? "Đã khoá" : "Đã mở khoá", dis ? "disabled" : "enabled",
		       uname);
	}
	rc = 0;
done:
	store_account_free(&a);
	return rc;
}

int cmd_user_main(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		user_usage();
		return 2;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "add") != 0 && strcmp(sub, "passwd") != 0 && strcmp(sub, "disable") != 0 &&
	    strcmp(sub, "enable") != 0) {
		fprintf(stderr, "pccc: lệnh con không rõ / unknown subcommand: user %s\n", sub);
		user_usage();
		return 2;
	}
	struct user_opts o = {0};
	char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
	int nrest = 0;
	if (parse_opts(argc, argv, &o, rest, &nrest) != 0) {
		free(rest);
		return 2;
	}
	struct app app;
	if (cmd_app_open(&app, nrest, rest, 1) != 0) {
		cmd_app_close(&app);
		free(rest);
		return 1;
	}
	int rc = strcmp(sub, "add") == 0 ? user_add(&app, &o) : user_change(&app, sub, &o);
	cmd_app_close(&app);
	free(rest);
	return rc;
}
