/* Resolving a scope to its communes (see scope.h). */
#include "store/scope.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "core/alloc.h"
#include "store/db.h"

static int add_province(struct store *st, json_t *arr, const char *province)
{
	struct db_stmt *q = db_prepare(
	    st, "select code from units where scheme = '2025' and level = 'commune' and parent = $1");
	if (!q)
		return -1;
	db_bind_text(q, 1, province);
	int rc;
	while ((rc = db_step(q)) == DB_ROW)
		json_array_append_new(arr, json_string(db_col_text(q, 0)));
	db_finish(q);
	return rc == DB_DONE ? 0 : -1;
}

static int add_unit(struct store *st, json_t *arr, const char *code)
{
	if (!code || !*code)
		return 0;
	if (roles_unit_is_province(code))
		return add_province(st, arr, code);
	json_array_append_new(arr, json_string(code));
	return 0;
}

int store_scope_units_json(struct store *st, const struct scope *s, char **out)
{
	*out = NULL;
	json_t *arr = json_array();
	int rc = 0;
	switch (s ? s->role : ROLE_AUDITOR) {
	case ROLE_COMMUNE_OFFICER:
	case ROLE_ADMIN:
		rc = add_unit(st, arr, s->home_unit);
		break;
	case ROLE_FIRE_TEAM:
		rc = add_unit(st, arr, s->home_unit);
		for (size_t i = 0; rc == 0 && i < s->ncovered; i++)
			if (s->covered_communes && s->covered_communes[i])
				rc = add_unit(st, arr, s->covered_communes[i]);
		break;
	case ROLE_DISPATCHER:
	case ROLE_CITY_FIRE_POLICE: {
		char prov[4] = "";
		if (s->province[0])
			memcpy(prov, s->province, 3);
		else if (strlen(s->home_unit) >= 2)
			memcpy(prov, s->home_unit, 2);
		if (roles_unit_is_province(prov))
			rc = add_province(st, arr, prov);
		else
			rc = add_unit(st, arr, s->home_unit);
		break;
	}
	default:
		break; /* citizens, owners, auditors: no unit */
	}
	if (rc == 0) {
		char *t = json_dumps(arr, JSON_COMPACT);
		*out = t ? t : xstrdup("[]");
	}
	json_decref(arr);
	return rc;
}
