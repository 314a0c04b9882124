/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NAT detection hashes (RFC 7296 2.23). */
#ifndef CREST_IKE_NATD_H
#define CREST_IKE_NATD_H

#include <stdint.h>
#include <sys/socket.h>

#define NATD_HASH_LEN 20

/* SHA-1(SPIi | SPIr | IP address | port) for one endpoint. */
int natd_hash(uint64_t spi_i, uint64_t spi_r,
	      const struct sockaddr_storage *addr, uint8_t out[NATD_HASH_LEN]);

#endif
