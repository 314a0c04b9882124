/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Control socket requests: the command table and the JSON each command
 * returns.  docs/crestctl.md documents every response shape.  A response
 * never contains a key, PSK or other secret.
 */
#ifndef CREST_MGMT_CONTROL_COMMANDS_H
#define CREST_MGMT_CONTROL_COMMANDS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "mgmt/control.h"

/* Error codes in the "code" member of an error response. */
#define CONTROL_ERR_INVALID_JSON    "invalid_json"
#define CONTROL_ERR_INVALID_REQUEST "invalid_request"
#define CONTROL_ERR_UNKNOWN_COMMAND "unknown_command"
#define CONTROL_ERR_TOO_LONG        "request_too_long"
#define CONTROL_ERR_INTERNAL        "internal_error"
#define CONTROL_ERR_INVALID_ARG     "invalid_argument"
#define CONTROL_ERR_UNKNOWN_CONN    "unknown_connection"
#define CONTROL_ERR_UNKNOWN_SA      "unknown_sa"
#define CONTROL_ERR_UNKNOWN_CHILD   "unknown_child"
#define CONTROL_ERR_ALREADY_UP      "already_up"
#define CONTROL_ERR_NOT_UP          "not_up"
#define CONTROL_ERR_BUSY            "busy"
#define CONTROL_ERR_FAILED          "failed"
#define CONTROL_ERR_INVALID_CONFIG  "invalid_config"
#define CONTROL_ERR_RESTART         "restart_required"

/*
 * Runs one request line (without its newline) and returns the response
 * object, or NULL when out of memory.
 */
json_t *control_run(const struct control_ctx *ctx, const char *line,
                    size_t len);

/* Builds {"error": message, "code": code}; NULL when out of memory. */
json_t *control_error(const char *code, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* A JSON integer for a counter; values above INT64_MAX are clamped. */
json_t *control_u64(uint64_t value);

/*
 * Command handlers.  Each gets the whole request object, for commands that
 * take arguments, and returns the response or NULL (out of memory).
 */
json_t *control_cmd_status(const struct control_ctx *ctx, const json_t *req);
json_t *control_cmd_counters(const struct control_ctx *ctx, const json_t *req);
json_t *control_cmd_sas(const struct control_ctx *ctx, const json_t *req);
json_t *control_cmd_connections(const struct control_ctx *ctx,
                                const json_t *req);
json_t *control_cmd_initiate(const struct control_ctx *ctx, const json_t *req);
json_t *control_cmd_terminate(const struct control_ctx *ctx, const json_t *req);
json_t *control_cmd_rekey(const struct control_ctx *ctx, const json_t *req);
json_t *control_cmd_reload(const struct control_ctx *ctx, const json_t *req);
json_t *control_cmd_check(const struct control_ctx *ctx, const json_t *req);
json_t *control_cmd_log(const struct control_ctx *ctx, const json_t *req);

/*
 * The connection named by the request's string member "connection".
 * Returns NULL and sets *resp to the error response if the member is
 * missing or names no configured connection.
 */
struct cfg_conn *control_request_conn(const struct control_ctx *ctx,
                                      const json_t *req, json_t **resp);

/* A JSON array of ts_format strings. */
json_t *control_ts_list(const struct traffic_selector *ts, size_t n);

#endif
