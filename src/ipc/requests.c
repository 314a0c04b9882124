// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ipc/requests.h"

#include "ipc/decode.h"
#include "ipc/state.h"

/*
 * The table is laid out by hand, because clang-format 14 indents the
 * designated initialisers of an array with spaces despite UseTab.
 */
// clang-format off
static const struct ipc_request requests[] = {
	[IPC_ENGINE_HELLO] = {
		.name = "ENGINE_HELLO",
		.from = IPC_FROM_ENGINE,
		.min_body = 0,
		.max_body = 0,
		.fd = IPC_FD_NONE,
		.state = IPC_STATE_FIRST,
		.decode = ipc_decode_empty,
	},
	[IPC_KEEPER_CONFIG] = {
		.name = "KEEPER_CONFIG",
		.from = IPC_FROM_KEEPER,
		.min_body = 1,
		.max_body = IPC_CONFIG_MAX,
		.fd = IPC_FD_NONE,
		.decode = ipc_decode_config,
	},
	[IPC_SOCKET] = {
		.name = "SOCKET",
		.from = IPC_FROM_KEEPER,
		.min_body = IPC_SOCKET_LEN,
		.max_body = IPC_SOCKET_LEN,
		.fd = IPC_FD_REQUIRED,
		.decode = ipc_decode_socket,
	},
	[IPC_AUTH_PSK_REQUEST] = {
		.name = "AUTH_PSK_REQUEST",
		.from = IPC_FROM_ENGINE,
		.min_body = IPC_AUTH_REQUEST_FIXED + 1 + 1,
		.max_body = IPC_AUTH_REQUEST_FIXED + IPC_NAME_MAX +
		IPC_OCTETS_MAX,
		.fd = IPC_FD_NONE,
		.state = IPC_STATE_AFTER_HELLO,
		.max_pending = 4,
		.decode = ipc_decode_auth_request,
		.check = ipc_check_auth_request,
	},
	[IPC_AUTH_PSK_REPLY] = {
		.name = "AUTH_PSK_REPLY",
		.from = IPC_FROM_KEEPER,
		.min_body = IPC_STATUS_LEN,
		.max_body = IPC_STATUS_LEN + IPC_AUTH_MAX,
		.fd = IPC_FD_NONE,
		.decode = ipc_decode_auth_reply,
	},
	[IPC_ROUTE_REQUEST] = {
		.name = "ROUTE_REQUEST",
		.from = IPC_FROM_ENGINE,
		.min_body = IPC_ROUTE_REQUEST_FIXED + 1,
		.max_body = IPC_ROUTE_REQUEST_FIXED + IPC_NAME_MAX,
		.fd = IPC_FD_NONE,
		.state = IPC_STATE_AFTER_HELLO,
		.max_pending = 4,
		.decode = ipc_decode_route_request,
		.check = ipc_check_route_request,
	},
	[IPC_ROUTE_REPLY] = {
		.name = "ROUTE_REPLY",
		.from = IPC_FROM_KEEPER,
		.min_body = IPC_STATUS_LEN,
		.max_body = IPC_STATUS_LEN,
		.fd = IPC_FD_NONE,
		.decode = ipc_decode_route_reply,
	},
	[IPC_RELOAD_REQUEST] = {
		.name = "RELOAD_REQUEST",
		.from = IPC_FROM_ENGINE,
		.min_body = 0,
		.max_body = 0,
		.fd = IPC_FD_NONE,
		.state = IPC_STATE_AFTER_HELLO,
		.max_pending = 1,
		.decode = ipc_decode_empty,
	},
	[IPC_RELOAD_REPLY] = {
		.name = "RELOAD_REPLY",
		.from = IPC_FROM_KEEPER,
		.min_body = IPC_STATUS_LEN + 1,
		.max_body = IPC_STATUS_LEN + IPC_CONFIG_MAX,
		.fd = IPC_FD_NONE,
		.decode = ipc_decode_reload_reply,
	},
};
// clang-format on

const struct ipc_request *ipc_request_find(uint16_t type)
{
	if (type >= sizeof(requests) / sizeof(requests[0]))
		return NULL;
	if (!requests[type].name)
		return NULL;
	return &requests[type];
}

const char *ipc_type_name(uint16_t type)
{
	const struct ipc_request *req = ipc_request_find(type);

	return req ? req->name : "UNKNOWN";
}

const char *ipc_peer_name(enum ipc_peer peer)
{
	return peer == IPC_FROM_KEEPER ? "keeper" : "engine";
}
