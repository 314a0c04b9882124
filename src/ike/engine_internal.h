/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the engine's files; not for use outside src/ike. */
#ifndef CREST_IKE_ENGINE_INTERNAL_H
#define CREST_IKE_ENGINE_INTERNAL_H

#include "ike/engine.h"

void ike_count_drop(struct ike_engine *eng, enum ike_drop reason,
		    const struct sockaddr_storage *from);
void ike_link_sa(struct ike_engine *eng, struct ike_sa *sa);
void ike_reap(struct ike_engine *eng);
uint64_t ike_random_spi(void);
int ike_send_raw(struct ike_engine *eng, struct ike_sa *sa,
		 const uint8_t *msg, size_t len);
int ike_seal(struct ike_sa *sa, const struct ike_header *hdr,
	     struct ike_builder *chain, uint8_t *out, size_t cap,
	     size_t *out_len);
void ike_fill_header(const struct ike_sa *sa, uint8_t exchange,
		     bool response, uint32_t msg_id, struct ike_header *h);

#endif
