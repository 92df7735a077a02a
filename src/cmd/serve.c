/* `pccc serve`, `pccc demo` and `pccc migrate`: open the store, bring its
 * schema up to date, seed reference data, then serve HTTP (and the alarm
 * receiver) until SIGTERM or SIGINT, finishing in-flight requests before
 * the database is closed. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alarm/escalate.h"
#include "alarm/service.h"
#include "api/oidc.h"
#include "app.h"
#include "auth/service.h"
#include "register/jobs.h"
#include "cmd/cmd.h"
#include "cmd/demo.h"
#include "core/alloc.h"
#include "core/clock.h"
#include "core/log.h"
#include "http/server.h"
#include "store/store.h"

static int data_dir_ready(const char *dir)
{
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		fprintf(stderr, "pccc: không tạo được thư mục dữ liệu / cannot create data directory %s: %s\n",
			dir, strerror(errno));
		return -1;
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "pccc: không phải thư mục / not a directory: %s\n", dir);
		return -1;
	}
	char *probe = xasprintf("%s/.pccc-write-test-%ld", dir, (long)getpid());
	int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		fprintf(stderr, "pccc: thư mục dữ liệu không ghi được / data directory not writable: %s (%s)\n",
			dir, strerror(errno));
		free(probe);
		return -1;
	}
	close(fd);
	unlink(probe);
	free(probe);
	return 0;
}

int cmd_app_open(struct app *app, int argc, char **argv, int first)
{
	memset(app, 0, sizeof *app);
	if (config_parse(&app->cfg, argc, argv, first) != 0)
		return -1;
	if (getenv("PCCC_LOG_DEBUG"))
		log_set_level(LOG_DEBUG);
	app->db_shown = store_url_redacted(app->cfg.db);
	if (data_dir_ready(app->cfg.data) != 0)
		return -1;
	if (store_open(app->cfg.db, &app->store) != 0) {
		fprintf(stderr, "pccc: không mở được cơ sở dữ liệu / cannot open database: %s\n",
			app->db_shown);
		return -1;
	}
	int applied = 0;
	if (store_migrate(app->store, &applied) != 0) {
		fprintf(stderr, "pccc: cập nhật lược đồ thất bại / migration failed: %s\n", app->db_shown);
		return -1;
	}
	int loaded = 0;
	if (store_units_seed(app->store, &loaded) != 0) {
		fprintf(stderr, "pccc: nạp danh mục đơn vị hành chính thất bại / seeding units failed\n");
		return -1;
	}
	if (applied || loaded)
		log_json(LOG_INFO, "store ready",
			 json_pack("{s:s,s:s,s:i,s:i}", "db", app->db_shown, "backend",
				   store_backend_name(app->store), "migrations", applied,
				   "units_seeded", loaded));
	app->started_ms = clock_now_ms();
	return 0;
}

void cmd_app_close(struct app *app)
{
	if (app->store)
		store_close(app->store);
	app->store = NULL;
	free(app->db_shown);
	app->db_shown = NULL;
	config_free(&app->cfg);
}

/* Serves until a signal; demo_cb (may be NULL) runs after the store is
 * ready and before serving. */
static int serve_main(int argc, char **argv, int demo)
{
	struct app app;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* Block before any thread starts, so only sigwait sees them. */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (cmd_app_open(&app, argc, argv, 1) != 0) {
		cmd_app_close(&app);
		return 1;
	}
	if (auth_service_start(&app) != 0) {
		cmd_app_close(&app);
		return 1;
	}
	api_oidc_init();
	if (demo && demo_seed(&app) != 0) {
		fprintf(stderr, "pccc: tạo dữ liệu mẫu thất bại / demo seeding failed\n");
		cmd_app_close(&app);
		return 1;
	}
	if (http_server_start(&app, app.cfg.http, &app.http) != 0) {
		auth_service_stop(&app);
		cmd_app_close(&app);
		return 1;
	}
	if (alarm_service_start(&app) != 0) {
		http_server_stop(app.http, 1000);
		auth_service_stop(&app);
		cmd_app_close(&app);
		return 1;
	}
	escalate_start(&app);
	register_jobs_start(&app);
	char host[256];
	unsigned port;
	config_split_hostport(app.cfg.http, host, sizeof host, &port);
	port = http_server_port(app.http);
	int v6 = strchr(host, ':') != NULL;
	char *url = xasprintf("http://%s%s%s:%u/", v6 ? "[" : "",
			      strcmp(host, "0.0.0.0") == 0 ? "127.0.0.1" : host, v6 ? "]" : "", port);
	log_json(LOG_INFO, "listening",
		 json_pack("{s:s,s:i,s:s,s:s}", "url", url, "port", (int)port, "alarm", app.cfg.alarm,
			   "db", app.db_shown));
	if (demo)
		demo_print(&app, url);
	else
		printf("pccc đang chạy / pccc is serving at %s\n", url);
	fflush(stdout);
	free(url);

	int sig = 0;
	sigwait(&set, &sig);
	log_json(LOG_INFO, "stopping", json_pack("{s:i}", "signal", sig));
	register_jobs_stop();
	escalate_stop();
	alarm_service_stop(&app);
	http_server_stop(app.http, 10000);
	app.http = NULL;
	api_oidc_shutdown();
	auth_service_stop(&app);
	cmd_app_close(&app);
	log_info("stopped");
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	return serve_main(argc, argv, 0);
}

int cmd_demo(int argc, char **argv)
{
	return serve_main(argc, argv, 1);
}

int cmd_migrate(int argc, char **argv)
{
	struct app app;
	if (cmd_app_open(&app, argc, argv, 1) != 0) {
		cmd_app_close(&app);
		return 1;
	}
	printf("Cơ sở dữ liệu đã cập nhật / database is up to date: %s\n", app.db_shown);
	cmd_app_close(&app);
	return 0;
}
