/* OpenAPI generation from the route table (see openapi.h). */
#include "http/openapi.h"

#include <string.h>

#include "auth/roles.h"

static json_t *schema_of(const struct param_spec *p)
{
	json_t *s = json_object();
	switch (p->type & 0xff) {
	case PARAM_INT:
		json_object_set_new(s, "type", json_string("integer"));
		json_object_set_new(s, "minimum", json_integer(p->min));
		if (p->max > p->min)
			json_object_set_new(s, "maximum", json_integer(p->max));
		break;
	case PARAM_NUMBER:
		json_object_set_new(s, "type", json_string("number"));
		break;
	case PARAM_BOOL:
		json_object_set_new(s, "type", json_string("boolean"));
		break;
	case PARAM_OBJECT:
		json_object_set_new(s, "type", json_string("object"));
		break;
	case PARAM_ARRAY:
		json_object_set_new(s, "type", json_string("array"));
		break;
	case PARAM_ENUM: {
		json_object_set_new(s, "type", json_string("string"));
		json_t *e = json_array();
		const char *v = p->values;
		while (v && *v) {
			const char *bar = strchr(v, '|');
			size_t l = bar ? (size_t)(bar - v) : strlen(v);
			json_array_append_new(e, json_stringn(v, l));
			v = bar ? bar + 1 : NULL;
		}
		json_object_set_new(s, "enum", e);
		break;
	}
	case PARAM_DIGITS:
		json_object_set_new(s, "type", json_string("string"));
		json_object_set_new(s, "pattern", json_string("^[0-9]+$"));
		json_object_set_new(s, "maxLength", json_integer(p->max_len ? p->max_len : 256));
		break;
	default:
		json_object_set_new(s, "type", json_string("string"));
		json_object_set_new(s, "maxLength", json_integer(p->max_len ? p->max_len : 256));
	}
	return s;
}

static json_t *error_response(const char *desc)
{
	return json_pack("{s:s,s:{s:{s:{s:s}}}}", "description", desc, "content",
			 "application/json", "schema", "$ref", "#/components/schemas/Error");
}

json_t *openapi_build(const struct route *table, const char *version)
{
	json_t *paths = json_object();
	for (int i = 0; table[i].method; i++) {
		const struct route *rt = &table[i];
		if (rt->flags & ROUTE_HIDDEN)
			continue;
		json_t *item = json_object_get(paths, rt->pattern);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, rt->pattern, item);
		}
		json_t *op = json_object();
		char lower[8];
		size_t ml = strlen(rt->method);
		for (size_t k = 0; k < ml && k < sizeof lower - 1; k++)
			lower[k] = (char)(rt->method[k] | 0x20);
		lower[ml < sizeof lower - 1 ? ml : sizeof lower - 1] = '\0';
		json_object_set_new(item, lower, op);
		json_object_set_new(op, "summary", json_string(rt->summary ? rt->summary : ""));
		json_object_set_new(op, "operationId",
				    json_sprintf("%s %s", rt->method, rt->pattern));
		if (rt->tag)
			json_object_set_new(op, "tags", json_pack("[s]", rt->tag));
		/* The capability the route declares (auth/roles.h ids): the
		 * authorization tests walk every operation by it. */
		json_object_set_new(op, "x-permission",
				    json_string(roles_perm_id((enum capability)rt->perm)
						    ? roles_perm_id((enum capability)rt->perm)
						    : "?"));
		json_object_set_new(op, "security",
				    rt->perm == 0 ? json_array()
						  : json_pack("[{s:[]},{s:[]}]", "bearer", "cookie"));
		json_t *params = json_array();
		for (int p = 0; rt->params && rt->params[p].name; p++) {
			const struct param_spec *ps = &rt->params[p];
			json_t *o = json_object();
			json_object_set_new(o, "name", json_string(ps->name));
			json_object_set_new(o, "in", json_string(ps->in == PARAM_IN_PATH ? "path" : "query"));
			json_object_set_new(o, "required", json_boolean(ps->required || ps->in == PARAM_IN_PATH));
			if (ps->description)
				json_object_set_new(o, "description", json_string(ps->description));
			json_object_set_new(o, "schema", schema_of(ps));
			json_array_append_new(params, o);
		}
		json_object_set_new(op, "parameters", params);
		if (rt->flags & ROUTE_JSON_BODY) {
			json_t *props = json_object();
			json_t *req = json_array();
			for (int p = 0; rt->body && rt->body[p].name; p++) {
				json_object_set_new(props, rt->body[p].name, schema_of(&rt->body[p]));
				if (rt->body[p].required)
					json_array_append_new(req, json_string(rt->body[p].name));
			}
			json_t *schema = json_pack("{s:s,s:o,s:b}", "type", "object", "properties",
						   props, "additionalProperties", 0);
			if (json_array_size(req))
				json_object_set_new(schema, "required", req);
			else
				json_decref(req);
			json_object_set_new(op, "requestBody",
					    json_pack("{s:b,s:{s:{s:o}}}", "required", 1, "content",
						      "application/json", "schema", schema));
		}
		json_t *responses = json_object();
		json_t *ok = json_pack("{s:s}", "description", "OK");
		if (rt->flags & ROUTE_LIST)
			json_object_set_new(ok, "content",
					    json_pack("{s:{s:{s:s}},s:{},s:{}}", "application/json",
						      "schema", "$ref", "#/components/schemas/List",
						      "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
		json_object_set_new(responses, "200", ok);
		json_object_set_new(responses, "400", error_response("Bad request"));
		if (rt->perm != 0) {
			json_object_set_new(responses, "401", error_response("Sign-in required"));
			json_object_set_new(responses, "403", error_response("Forbidden"));
		}
		json_object_set_new(responses, "404", error_response("Not found"));
		json_object_set_new(op, "responses", responses);
	}
	json_t *err_schema = json_pack(
	    "{s:s,s:[s],s:{s:{s:s,s:[s,s],s:{s:{s:s},s:{s:s},s:{s:[s,s]}}}}}", "type", "object",
	    "required", "error", "properties", "error", "type", "object", "required", "code",
	    "message", "properties", "code", "type", "string", "message", "type", "string",
	    "field", "type", "string", "null");
	json_t *list_schema = json_pack("{s:s,s:[s],s:{s:{s:s},s:{s:[s,s]}}}", "type", "object",
					"required", "items", "properties", "items", "type", "array",
					"next_cursor", "type", "string", "null");
	return json_pack(
	    "{s:s,s:{s:s,s:s,s:s},s:o,s:{s:{s:o,s:o},s:{s:{s:s,s:s},s:{s:s,s:s,s:s}}}}", "openapi",
	    "3.1.0", "info", "title", "pccc API", "version", version, "description",
	    "Quản lý phòng cháy chữa cháy / fire-safety management", "paths", paths,
	    "components", "schemas", "Error", err_schema, "List", list_schema, "securitySchemes",
	    "bearer", "type", "http", "scheme", "bearer", "cookie", "type", "apiKey", "in",
	    "cookie", "name", "pccc_session");
}
