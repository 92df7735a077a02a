/* The baseline of the API read benchmark: a minimal libmicrohttpd server
 * answering a static JSON body, configured like pccc (epoll, a thread pool
 * of 2, keep-alive: the response is queued on the handler's second call). */
#include <microhttpd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char body[] = "{\"status\":\"ok\"}";

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *data,
			      size_t *size, void **con_cls)
{
	(void)cls; (void)url; (void)method; (void)version; (void)data; (void)size;
	if (!*con_cls) {
		*con_cls = (void *)1;
		return MHD_YES;
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(sizeof body - 1, (void *)body,
								 MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/json");
	enum MHD_Result ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned port = argc > 1 ? (unsigned)atoi(argv[1]) : 8081;
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD, (uint16_t)port,
						NULL, NULL, handle, NULL,
						MHD_OPTION_THREAD_POOL_SIZE, 2u, MHD_OPTION_END);
	if (!d)
		return 1;
	pause();
	MHD_stop_daemon(d);
	return 0;
}
