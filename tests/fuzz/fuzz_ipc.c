// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Feeds arbitrary datagrams to ipc_parse and, for engine requests the
 * parser accepts, to ipc_check_request.  The first input byte selects the
 * case: bit 0 whether a descriptor arrived, bit 1 the keeper as sender,
 * bit 2 whether ENGINE_HELLO was seen.  An accepted body must encode back
 * to the same bytes, because the format has one encoding per message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/ipc.h"
#include "ipc/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool conn_exists(void *ctx, const char *name)
{
	return name[0] == 'a';
}

static bool realm_exists(void *ctx, unsigned realm)
{
	return realm < 4;
}

static bool route_allowed(void *ctx, const struct ipc_route_request *rt)
{
	return rt->prefix_len >= 16;
}

static const struct ipc_policy policy = {
        .conn_exists = conn_exists,
        .realm_exists = realm_exists,
        .route_allowed = route_allowed,
};

static void check_reencodes(const struct ipc_msg *msg)
{
	static uint8_t out[IPC_BODY_MAX];
	struct writer w;

	writer_init(&w, out, sizeof(out));
	if (ipc_encode(msg, &w) != 0)
		abort();
	if (w.off != msg->body_len || memcmp(out, msg->body, w.off) != 0)
		abort();
}

static void check_state(const struct ipc_msg *msg, bool hello_seen)
{
	struct ipc_state st;
	const char *reason = NULL;
	int err;

	ipc_state_init(&st, &policy);
	st.hello_seen = hello_seen;
	err = ipc_check_request(&st, msg, &reason);
	if ((err == 0) != (reason == NULL))
		abort();
	if (err == 0)
		ipc_state_accept(&st, msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipc_msg msg;
	enum ipc_peer from;
	uint8_t mode;

	if (size < 1)
		return 0;
	mode = data[0];
	from = (mode & 2) ? IPC_FROM_KEEPER : IPC_FROM_ENGINE;
	if (ipc_parse(data + 1, size - 1, mode & 1, from, &msg) != 0) {
		if (!msg.reason)
			abort();
		return 0;
	}
	check_reencodes(&msg);
	if (from == IPC_FROM_ENGINE)
		check_state(&msg, mode & 4);
	return 0;
}
