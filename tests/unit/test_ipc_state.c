// SPDX-License-Identifier: LGPL-2.1-or-later
/* ipc_check_request: order, pending limits and configuration callbacks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "crypto/ids.h"
#include "ipc/ipc.h"
#include "ipc/state.h"

/* A configuration with one realm (index 0) holding connection "gw-b",
 * whose remote selector is 198.51.100.0/24. */
static bool conn_exists(void *ctx, const char *name)
{
	return strcmp(name, "gw-b") == 0;
}

static bool realm_exists(void *ctx, unsigned realm)
{
	return realm == 0;
}

static bool route_allowed(void *ctx, const struct ipc_route_request *rt)
{
	const uint8_t net[] = {198, 51, 100};

	return rt->realm == 0 && strcmp(rt->conn, "gw-b") == 0 &&
	       rt->family == AF_INET && rt->prefix_len >= 24 &&
	       memcmp(rt->prefix, net, sizeof(net)) == 0;
}

static const struct ipc_policy policy = {
        .conn_exists = conn_exists,
        .realm_exists = realm_exists,
        .route_allowed = route_allowed,
};

static struct ipc_msg hello(void)
{
	return (struct ipc_msg){.type = IPC_ENGINE_HELLO, .id = 1};
}

static struct ipc_msg auth(uint32_t id, const char *conn)
{
	struct ipc_msg m = {.type = IPC_AUTH_PSK_REQUEST, .id = id};

	m.u.auth_request.spi_i = 1;
	m.u.auth_request.spi_r = 2;
	m.u.auth_request.prf = PRF_HMAC_SHA2_256;
	m.u.auth_request.purpose = IPC_AUTH_PEER;
	strcpy(m.u.auth_request.conn, conn);
	return m;
}

static struct ipc_msg route(uint32_t id, uint16_t realm, const char *conn,
                            uint8_t third_octet)
{
	struct ipc_msg m = {.type = IPC_ROUTE_REQUEST, .id = id};
	const uint8_t net[] = {198, 51, third_octet, 0};

	m.u.route_request.op = IPC_ROUTE_ADD;
	m.u.route_request.family = AF_INET;
	memcpy(m.u.route_request.prefix, net, sizeof(net));
	m.u.route_request.prefix_len = 24;
	m.u.route_request.realm = realm;
	strcpy(m.u.route_request.conn, conn);
	return m;
}

static struct ipc_msg reload(uint32_t id)
{
	return (struct ipc_msg){.type = IPC_RELOAD_REQUEST, .id = id};
}

static int check(const struct ipc_state *st, struct ipc_msg m)
{
	const char *reason = NULL;
	int err = ipc_check_request(st, &m, &reason);

	if (err)
		assert_non_null(reason);
	else
		assert_null(reason);
	return err;
}

/* Checks and, if it passes, records the request. */
static int check_and_accept(struct ipc_state *st, struct ipc_msg m)
{
	int err = check(st, m);

	if (err == 0)
		ipc_state_accept(st, &m);
	return err;
}

static void hello_first_and_once(void **state)
{
	struct ipc_state st;

	ipc_state_init(&st, &policy);
	assert_int_equal(check(&st, auth(2, "gw-b")), -EPROTO);
	assert_int_equal(check(&st, route(3, 0, "gw-b", 100)), -EPROTO);
	assert_int_equal(check_and_accept(&st, hello()), 0);
	assert_true(st.hello_seen);
	assert_int_equal(st.n_pending, 0);
	assert_int_equal(check(&st, hello()), -EPROTO);
	assert_int_equal(check(&st, auth(2, "gw-b")), 0);
}

static void keeper_messages_not_requests(void **state)
{
	const uint16_t types[] = {IPC_KEEPER_CONFIG, IPC_SOCKET,
	                          IPC_AUTH_PSK_REPLY, IPC_ROUTE_REPLY};
	struct ipc_state st;

	ipc_state_init(&st, &policy);
	assert_int_equal(check_and_accept(&st, hello()), 0);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct ipc_msg m = {.type = types[i]};

		assert_int_equal(check(&st, m), -EPERM);
	}
	assert_int_equal(check(&st, (struct ipc_msg){.type = 42}), -ENOMSG);
}

static void auth_unknown_conn_rejected(void **state)
{
	struct ipc_state st;

	ipc_state_init(&st, &policy);
	assert_int_equal(check_and_accept(&st, hello()), 0);
	assert_int_equal(check(&st, auth(2, "gw-c")), -ENOENT);
	assert_int_equal(check(&st, auth(2, "gw-b")), 0);
}

static void no_policy_rejects_all(void **state)
{
	struct ipc_state st;

	ipc_state_init(&st, NULL);
	assert_int_equal(check_and_accept(&st, hello()), 0);
	assert_int_equal(check(&st, auth(2, "gw-b")), -ENOENT);
	assert_int_equal(check(&st, route(3, 0, "gw-b", 100)), -ENOENT);
}

static void pending_limit_enforced(void **state)
{
	struct ipc_state st;

	ipc_state_init(&st, &policy);
	assert_int_equal(check_and_accept(&st, hello()), 0);
	for (uint32_t id = 10; id < 14; id++)
		assert_int_equal(check_and_accept(&st, auth(id, "gw-b")), 0);
	assert_int_equal(check(&st, auth(14, "gw-b")), -EBUSY);
	/* The limit is per type, so a route still fits. */
	assert_int_equal(check(&st, route(20, 0, "gw-b", 100)), 0);

	assert_int_equal(ipc_state_complete(&st, 11), 0);
	assert_int_equal(ipc_state_complete(&st, 11), -ENOENT);
	assert_int_equal(check_and_accept(&st, auth(14, "gw-b")), 0);
	assert_int_equal(check(&st, auth(15, "gw-b")), -EBUSY);
}

static void total_pending_limit_enforced(void **state)
{
	struct ipc_state st;

	ipc_state_init(&st, &policy);
	assert_int_equal(check_and_accept(&st, hello()), 0);
	for (uint32_t id = 10; id < 14; id++)
		assert_int_equal(check_and_accept(&st, auth(id, "gw-b")), 0);
	for (uint32_t id = 20; id < 24; id++)
		assert_int_equal(
		        check_and_accept(&st, route(id, 0, "gw-b", 100)), 0);
	assert_int_equal(check_and_accept(&st, reload(30)), 0);
	assert_int_equal(st.n_pending, IPC_MAX_PENDING);
	assert_int_equal(check(&st, route(24, 0, "gw-b", 100)), -EBUSY);
	assert_int_equal(ipc_state_complete(&st, 22), 0);
	assert_int_equal(check(&st, route(24, 0, "gw-b", 100)), 0);
}

static void reload_rules_enforced(void **state)
{
	struct ipc_state st;

	ipc_state_init(&st, &policy);
	assert_int_equal(check(&st, reload(2)), -EPROTO);
	assert_int_equal(check_and_accept(&st, hello()), 0);
	assert_int_equal(check_and_accept(&st, reload(2)), 0);
	/* One reload at a time. */
	assert_int_equal(check(&st, reload(3)), -EBUSY);
	assert_int_equal(ipc_state_complete(&st, 2), 0);
	assert_int_equal(check_and_accept(&st, reload(3)), 0);
}

static void duplicate_id_rejected(void **state)
{
	struct ipc_state st;

	ipc_state_init(&st, &policy);
	assert_int_equal(check_and_accept(&st, hello()), 0);
	assert_int_equal(check_and_accept(&st, auth(5, "gw-b")), 0);
	assert_int_equal(check(&st, auth(5, "gw-b")), -EEXIST);
	assert_int_equal(check(&st, route(5, 0, "gw-b", 100)), -EEXIST);
	assert_int_equal(ipc_state_complete(&st, 5), 0);
	assert_int_equal(check(&st, auth(5, "gw-b")), 0);
}

static void route_rules_enforced(void **state)
{
	struct ipc_state st;

	ipc_state_init(&st, &policy);
	assert_int_equal(check_and_accept(&st, hello()), 0);
	assert_int_equal(check(&st, route(2, 1, "gw-b", 100)), -ENOENT);
	assert_int_equal(check(&st, route(2, 0, "gw-c", 100)), -ENOENT);
	assert_int_equal(check(&st, route(2, 0, "gw-b", 101)), -EACCES);
	assert_int_equal(check(&st, route(2, 0, "gw-b", 100)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(hello_first_and_once),
	        cmocka_unit_test(keeper_messages_not_requests),
	        cmocka_unit_test(auth_unknown_conn_rejected),
	        cmocka_unit_test(no_policy_rejects_all),
	        cmocka_unit_test(pending_limit_enforced),
	        cmocka_unit_test(total_pending_limit_enforced),
	        cmocka_unit_test(reload_rules_enforced),
	        cmocka_unit_test(duplicate_id_rejected),
	        cmocka_unit_test(route_rules_enforced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
