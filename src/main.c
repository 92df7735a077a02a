/* pccc: argv → sub-command. Every serving command accepts --db, --http,
 * --alarm and --data (and PCCC_DB, PCCC_HTTP, PCCC_ALARM, PCCC_DATA). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/register_cmd.h"
#include "cmd/user.h"
#include "version.h"

static void usage(FILE *f)
{
	fputs("pccc " PCCC_VERSION " — quản lý phòng cháy chữa cháy / fire-safety management\n"
	      "\n"
	      "Cách dùng / usage: pccc COMMAND [flags]\n"
	      "  serve     phục vụ API, giao diện và bộ thu báo cháy / serve the API, console and alarm receiver\n"
	      "  demo      tạo dữ liệu mẫu rồi phục vụ / seed a demo city, then serve\n"
	      "  migrate   cập nhật lược đồ cơ sở dữ liệu / bring the database schema up to date\n"
	      "  import houses|facilities FILE   nhập nhà, cơ sở (CSV/XLSX, tất cả hoặc không) / import houses, facilities (CSV/XLSX, all rows or none)\n"
	      "  import residents FILE   nhập dữ liệu dân cư (theo số định danh và mã nhà) / import population data\n"
	      "  import units FILE   nhập danh mục đơn vị hành chính (CSV GSO) / import GSO unit catalogue\n"
	      "  generate  tạo thành phố quy mô đầy đủ để đo / build a full-scale city for benchmarks (pccc generate --help)\n"
	      "  user add|passwd|disable|enable ...   tài khoản / accounts (pccc user for help)\n"
	      "  audit verify   kiểm tra chuỗi nhật ký / verify the audit chain\n"
	      "  version   phiên bản / print the version\n"
	      "  help      trợ giúp / this help\n"
	      "\n"
	      "Cờ / flags (also from the environment):\n"
	      "  --db PATH|postgres://URL   (PCCC_DB; default DATA/pccc.db)\n"
	      "  --http HOST:PORT           (PCCC_HTTP; default 127.0.0.1:8080)\n"
	      "  --alarm HOST:PORT          (PCCC_ALARM; DC-09 TCP+UDP, default 127.0.0.1:9500)\n"
	      "  --data DIR                 (PCCC_DATA; default ./data)\n"
	      "  --tile-url URL             (PCCC_TILE_URL; map tiles, {z}/{x}/{y}; empty = none)\n"
	      "  --tile-attribution TEXT    (PCCC_TILE_ATTRIBUTION; map credit line)\n"
	      "  --metrics-public 0|1       (PCCC_METRICS_PUBLIC; 0 = /metrics for loopback only)\n"
	      "  --threads N                (PCCC_THREADS; HTTP worker threads, default 2)\n"
	      "  --http-timeout SECONDS     (PCCC_HTTP_TIMEOUT; idle/slow connections, default 30)\n",
	      f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (sodium_init() < 0) {
		fputs("pccc: libsodium không khởi tạo được / libsodium failed to initialise\n", stderr);
		return 1;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(argc - 1, argv + 1);
	if (strcmp(cmd, "demo") == 0)
		return cmd_demo(argc - 1, argv + 1);
	if (strcmp(cmd, "migrate") == 0)
		return cmd_migrate(argc - 1, argv + 1);
	if (strcmp(cmd, "import") == 0)
		return cmd_import_main(argc - 1, argv + 1);
	if (strcmp(cmd, "generate") == 0)
		return cmd_generate(argc - 1, argv + 1);
	if (strcmp(cmd, "user") == 0)
		return cmd_user_main(argc - 1, argv + 1);
	if (strcmp(cmd, "audit") == 0)
		return cmd_audit_main(argc - 1, argv + 1);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("pccc %s\n", PCCC_VERSION);
		return 0;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "pccc: lệnh không rõ / unknown command: %s (xem / see: pccc help)\n", cmd);
	return 2;
}
