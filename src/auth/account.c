/* Account record rules (see account.h). */
#include "auth/account.h"

#include <sodium.h>
#include <string.h>

#include "auth/password.h"
#include "store/auth.h"

int auth_username_normalize(const char *in, char out[AUTH_USERNAME_BUF])
{
	out[0] = '\0';
	if (!in)
		return -1;
	while (*in == ' ' || *in == '\t')
		in++;
	size_t n = strlen(in);
	while (n && (in[n - 1] == ' ' || in[n - 1] == '\t'))
		n--;
	if (n < 3 || n >= AUTH_USERNAME_BUF)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && !(i > 0 && (c == '.' || c == '_' || c == '-'))) {
			out[0] = '\0';
			return -1;
		}
		out[i] = c;
	}
	out[n] = '\0';
	return 0;
}

void auth_password_generate(char out[AUTH_TEMP_PASSWORD_LEN + 1])
{
	static const char letters[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
	static const char digits[] = "23456789";
	static const char symbols[] = "@#%+=!";
	for (;;) {
		for (int i = 0; i < AUTH_TEMP_PASSWORD_LEN; i++) {
			const char *set = letters;
			size_t n = sizeof letters - 1;
			if (i == 4 || i == 9) {
				set = digits;
				n = sizeof digits - 1;
			} else if (i == AUTH_TEMP_PASSWORD_LEN - 3) {
				set = symbols;
				n = sizeof symbols - 1;
			} else if (randombytes_uniform(4) == 0) {
				set = digits;
				n = sizeof digits - 1;
			}
			out[i] = set[randombytes_uniform((uint32_t)n)];
		}
		out[AUTH_TEMP_PASSWORD_LEN] = '\0';
		if (password_check_policy(out, NULL, NULL, NULL) == 0)
			return;
	}
}

int auth_account_check_units(struct store *st, const char *scope_unit, enum role role,
			     const char *unit, const char *const *covered, size_t ncovered,
			     const char **msg, const char **field)
{
	int is_commune = 0;
	*field = "unit";
	if (!unit || !*unit) {
		*msg = "Cần đơn vị quản lý (mã đơn vị hành chính 2025) / A home unit (2025 code) "
		       "is required";
		return -1;
	}
	if (store_auth_unit_kind(st, unit, &is_commune) != STORE_OK) {
		*msg = "Mã đơn vị không có trong danh mục 2025 / Unit code not in the 2025 "
		       "catalogue";
		return -1;
	}
	if (!store_auth_unit_in_subtree(st, scope_unit, unit)) {
		*msg = "Đơn vị nằm ngoài phạm vi quản lý của bạn / Unit is outside your scope";
		return -1;
	}
	*field = "covered_communes";
	if (ncovered && role != ROLE_FIRE_TEAM) {
		*msg = "Chỉ tài khoản Đội PCCC mới có xã/phường phụ trách thêm / Only fire teams "
		       "cover extra communes";
		return -1;
	}
	if (ncovered > AUTH_MAX_COVERED) {
		*msg = "Quá nhiều xã/phường phụ trách / Too many covered communes";
		return -1;
	}
	for (size_t i = 0; i < ncovered; i++) {
		if (!covered[i] || store_auth_unit_kind(st, covered[i], &is_commune) != STORE_OK ||
		    !is_commune) {
			*msg = "Xã/phường phụ trách không có trong danh mục 2025 / Covered commune "
			       "not in the 2025 catalogue";
			return -1;
		}
		if (!store_auth_unit_in_subtree(st, scope_unit, covered[i])) {
			*msg = "Xã/phường phụ trách nằm ngoài phạm vi quản lý của bạn / Covered "
			       "commune is outside your scope";
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(covered[i], covered[j]) == 0) {
				*msg = "Xã/phường phụ trách bị lặp / Covered commune repeated";
				return -1;
			}
	}
	*msg = NULL;
	*field = NULL;
	return 0;
}
