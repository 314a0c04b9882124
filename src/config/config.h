/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * crestd configuration: realms, each with a TUN device and connections.
 * Parsed from libconfig syntax; docs/configuration.md documents every key.
 * The PSKs live in a separate secrets file (config/secrets.h).
 */
#ifndef CREST_CONFIG_CONFIG_H
#define CREST_CONFIG_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "wire/ts.h"

#define CFG_MAX_TRANSFORMS 8
#define CFG_MAX_PROPOSALS  8
#define CFG_MAX_TS         8
#define CFG_MAX_ID_LEN     255
#define CFG_NAME_LEN       64
#define CFG_MAX_REALMS     16
#define CFG_MAX_CONNS      64 /* per realm */
#define CFG_MAX_CHILDREN   16 /* per connection */

/* IKEv2 identification types (RFC 7296 3.5). */
enum id_type {
	ID_IPV4_ADDR = 1,
	ID_FQDN = 2,
	ID_RFC822_ADDR = 3,
	ID_IPV6_ADDR = 5,
	ID_KEY_ID = 11,
};

enum auth_method {
	AUTH_METHOD_PSK = 2, /* Shared Key Message Integrity Code */
};

enum start_action {
	START_ACTION_WAIT = 0,
	START_ACTION_INITIATE = 1,
	START_ACTION_TRAP = 2, /* initiate when the first packet arrives */
};

/* Action for a connection whose IKE SA failed or was closed. */
enum sa_action {
	SA_ACTION_NONE = 0,	/* nothing */
	SA_ACTION_CLEAR = 1,	/* close the SAs and leave it down */
	SA_ACTION_RESTART = 2,	/* set the SAs up again at once */
	SA_ACTION_HOLD = 3,	/* set them up again on the next packet */
};

struct cfg_identity {
	uint8_t type;                 /* enum id_type */
	uint8_t data[CFG_MAX_ID_LEN]; /* as sent in the ID payload */
	size_t len;
	char text[CFG_MAX_ID_LEN + 1]; /* as written in the configuration */
};

struct cfg_encr {
	uint16_t id;       /* enum encr_id */
	uint16_t key_bits; /* 128 or 256; 256 for ChaCha20-Poly1305 */
};

/*
 * One proposal from a strongSwan-style string such as
 * "aes256gcm16-prfsha256-x25519" or "aes128-aes256-sha256-modp2048": every
 * listed algorithm becomes one transform of its type.  An ESP proposal has
 * no PRF; its dh list contains the PFS groups (empty for none) and its esn list
 * defaults to ESN_NO.  An AEAD proposal has no integ entries.  For IKE, a
 * non-AEAD proposal without an explicit PRF takes the PRF matching its
 * integrity algorithm, as strongSwan does.
 */
struct cfg_proposal {
	struct cfg_encr encr[CFG_MAX_TRANSFORMS];
	size_t n_encr;
	uint16_t integ[CFG_MAX_TRANSFORMS];
	size_t n_integ;
	uint16_t prf[CFG_MAX_TRANSFORMS];
	size_t n_prf;
	uint16_t dh[CFG_MAX_TRANSFORMS];
	size_t n_dh;
	uint16_t esn[2];
	size_t n_esn;
};

struct cfg_realm;

/*
 * One CHILD_SA a connection sets up: its selectors, ESP proposals and
 * start action.  A connection without a children list has one child of its
 * own name with the connection's settings.
 */
struct cfg_child {
	char name[CFG_NAME_LEN];
	struct cfg_proposal esp_proposals[CFG_MAX_PROPOSALS];
	size_t n_esp_proposals;
	struct traffic_selector local_ts[CFG_MAX_TS];
	size_t n_local_ts;
	struct traffic_selector remote_ts[CFG_MAX_TS];
	size_t n_remote_ts;
	enum start_action start_action;
};

struct cfg_conn {
	char name[CFG_NAME_LEN];
	struct cfg_realm *realm;

	/* Gateway addresses; the port is 500 unless the file sets one. */
	struct sockaddr_storage local_addr;
	struct sockaddr_storage remote_addr;

	struct cfg_identity local_id;
	struct cfg_identity remote_id;
	enum auth_method auth;

	struct cfg_proposal ike_proposals[CFG_MAX_PROPOSALS];
	size_t n_ike_proposals;
	/* The connection's own esp_proposals, local_ts and remote_ts, which
	 * its children inherit; empty where the file leaves them to the
	 * children. */
	struct cfg_proposal esp_proposals[CFG_MAX_PROPOSALS];
	size_t n_esp_proposals;
	struct traffic_selector local_ts[CFG_MAX_TS];
	size_t n_local_ts;
	struct traffic_selector remote_ts[CFG_MAX_TS];
	size_t n_remote_ts;

	/* At least one; the engine uses these, not the lists above. */
	struct cfg_child children[CFG_MAX_CHILDREN];
	size_t n_children;

	/*
	 * The strongest start action of the children: initiate if one
	 * initiates, else trap if one traps, else wait.  With wait no child
	 * starts by itself, whatever its own start_action is.
	 */
	enum start_action start_action;
	bool force_encap;

	/* Retransmission: first timeout, doubled on each of `tries`
	 * retransmissions, and abandoned once give-up time has passed. */
	unsigned retransmit_timeout_ms;
	unsigned retransmit_tries;
	unsigned retransmit_giveup_ms;

	unsigned keepalive_interval_s; /* NAT-T keepalive, 0 to disable */

	/* Liveness: an empty INFORMATIONAL after dpd_delay_ms without
	 * inbound traffic (0: off); dpd_action runs when the peer does not
	 * respond, close_action when it deletes the IKE SA. */
	unsigned dpd_delay_ms;
	enum sa_action dpd_action;
	enum sa_action close_action;

	/*
	 * Lifetimes.  At the soft limit (rekey) an SA is rekeyed, at the hard
	 * limit (life) it is deleted.  The time limits are shortened by a
	 * random amount up to rand_ms so both peers do not rekey at once.
	 * 0 disables a byte or packet limit.
	 */
	unsigned reauth_ms; /* make-before-break reauthentication, 0: off */
	unsigned ike_rekey_ms;
	unsigned ike_life_ms;
	unsigned child_rekey_ms;
	unsigned child_life_ms;
	unsigned rand_ms;
	unsigned child_rekey_bytes;
	unsigned child_life_bytes;
	unsigned child_rekey_packets;
	unsigned child_life_packets;
	int log_level;                 /* enum log_level, or -1 to inherit */
};

struct cfg_inner_addr {
	int family;
	uint8_t addr[16];
	unsigned prefix;
};

struct cfg_realm {
	char name[CFG_NAME_LEN];
	char tun_name[IFNAMSIZ];
	struct cfg_inner_addr inner[4]; /* at most one IPv4 and one IPv6 */
	size_t n_inner;
	/* Tunnel MTU; 0 means path MTU (mtu_path) minus the worst-case ESP
	 * overhead, computed by the data path. */
	unsigned mtu;
	unsigned path_mtu;
	struct cfg_conn *conns;
	size_t n_conns;
};

struct cfg {
	char path[4096];
	char secrets_path[4096]; /* relative paths are resolved against path */
	int log_level;           /* enum log_level */
	struct cfg_realm *realms;
	size_t n_realms;
};

/*
 * Loads and validates a configuration file.  On error returns a negative
 * errno value and writes "FILE:LINE: message naming the value and the fix"
 * into err; *out is untouched then.
 */
int config_load(const char *path, struct cfg *out, char *err, size_t errlen);
/* The same from a string, for tests and fuzzing; name is used in errors. */
int config_load_string(const char *text, const char *name, struct cfg *out,
                       char *err, size_t errlen);
void config_free(struct cfg *cfg);

/* Finds the connection of this name in any realm; NULL if none. */
struct cfg_conn *config_find_conn(const struct cfg *cfg, const char *name);
/*
 * Returns the gateway address of conn (local or remote) that ts covers, or
 * NULL.  A route for such a selector would send the IKE and ESP packets to
 * that address into the tunnel.
 */
const struct sockaddr_storage *
config_gateway_in(const struct cfg_conn *conn,
                  const struct traffic_selector *ts);

/* Parses one proposal string; is_esp selects the ESP rules. */
int config_parse_proposal(const char *text, bool is_esp,
                          struct cfg_proposal *out, char *err, size_t errlen);
/* Parses an identity such as "192.0.2.1", "fqdn:gw.example.org",
 * "email:a@example.org", "keyid:0x0102" or an explicit type prefix. */
int config_parse_identity(const char *text, struct cfg_identity *out, char *err,
                          size_t errlen);
const char *sa_action_name(enum sa_action action);

/* Index of the child with this name in conn, or -1. */
int config_child_find(const struct cfg_conn *conn, const char *name);
/*
 * The children that starting the connection sets up, one bit per index:
 * those with start_action initiate, or all of them if none has it.
 */
uint32_t config_conn_start_mask(const struct cfg_conn *conn);
/* Whether traffic for the child starts it (start_action trap). */
bool config_child_trapped(const struct cfg_conn *conn, size_t index);

/*
 * Whether two connections have the same settings: every field but the
 * realm pointer, whose realms must instead pass config_realm_equal.  A
 * reload keeps the SAs of a connection only when this holds.
 */
bool config_conn_equal(const struct cfg_conn *a, const struct cfg_conn *b);
/* Whether two realms have the same name, device, inner addresses and MTU
 * settings; their connections are not compared. */
bool config_realm_equal(const struct cfg_realm *a, const struct cfg_realm *b);

/* Formats a proposal back as a strongSwan-style string. */
void config_format_proposal(const struct cfg_proposal *p, bool is_esp,
                            char *buf, size_t len);

#endif
