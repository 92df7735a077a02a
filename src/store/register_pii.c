/* Decrypting one resident's personal data (see register_pii.h). */
#include "store/register_pii.h"

#include <stdlib.h>

#include "auth/pii.h"
#include "store/db.h"
#include "store/register.h"
#include "store/store.h"

int store_resident_reveal(struct store *st, const struct scope *sc, const struct pii_keys *k,
			  const char *house_id, long long rid, json_t **out)
{
	*out = NULL;
	json_t *h = NULL;
	int rc = store_house_get(st, sc, house_id, &h); /* scope check */
	json_decref(h);
	if (rc != STORE_OK)
		return rc;
	struct db_stmt *s = db_prepare(st, "select id, house_id, name, cccd_enc, phone_enc "
					   "from residents where id = $1 and house_id = $2");
	if (!s)
		return STORE_ERROR;
	db_bind_int(s, 1, rid);
	db_bind_text(s, 2, house_id);
	rc = db_step(s);
	if (rc != DB_ROW) {
		db_finish(s);
		return rc == DB_DONE ? STORE_NOT_FOUND : rc;
	}
	char *cccd = NULL, *phone = NULL;
	int bad = pii_decrypt(k, db_col_text(s, 3), &cccd) != 0;
	if (!bad && !db_col_is_null(s, 4))
		bad = pii_decrypt(k, db_col_text(s, 4), &phone) != 0;
	if (!bad)
		*out = json_pack("{s:I,s:s,s:s,s:s,s:o}", "id", (json_int_t)db_col_int(s, 0),
				 "house_id", db_col_text(s, 1), "name", db_col_text(s, 2), "cccd",
				 cccd, "phone", phone ? json_string(phone) : json_null());
	db_finish(s);
	free(cccd);
	free(phone);
	return bad ? STORE_ERROR : STORE_OK;
}
