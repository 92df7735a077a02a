/* Static console files embedded in the binary (see static.c). */
#ifndef PCCC_HTTP_STATIC_H
#define PCCC_HTTP_STATIC_H

struct req;
struct resp;

void http_static_serve(struct req *r, struct resp *out);

#endif
