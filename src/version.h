/* The program's version, shown by `pccc version`, /healthz and OpenAPI. */
#ifndef PCCC_VERSION_H
#define PCCC_VERSION_H
#define PCCC_VERSION "0.1.0"
#endif
