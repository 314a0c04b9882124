// SPDX-License-Identifier: LGPL-2.1-or-later
/* SA payload: proposals, transforms and attributes (RFC 7296 3.3). */
#include "wire/ike.h"

#include <errno.h>
#include <string.h>

#define PROPOSAL_MORE        2
#define TRANSFORM_MORE       3
#define PROPOSAL_HEADER_LEN  8
#define TRANSFORM_HEADER_LEN 8
#define ATTR_FORMAT_TV       0x8000
#define ATTR_KEY_LENGTH      14

/*
 * Reads a transform's attributes.  Returns 1 if crest understands all of
 * them, 0 if an unknown attribute makes the transform unusable, or -EBADMSG.
 */
static int parse_attributes(struct reader *r, uint16_t *key_bits)
{
	bool unknown = false;

	*key_bits = 0;
	while (reader_left(r) > 0) {
		uint16_t format_type, value;

		if (!read_u16(r, &format_type) || !read_u16(r, &value))
			return -EBADMSG;
		uint16_t type = format_type & ~ATTR_FORMAT_TV;

		if (!(format_type & ATTR_FORMAT_TV)) {
			/* TLV: value is the length of the data that follows.
			 * The key length is defined in TV form only. */
			if (type == ATTR_KEY_LENGTH || !read_skip(r, value))
				return -EBADMSG;
			unknown = true;
		} else if (type != ATTR_KEY_LENGTH) {
			unknown = true;
		} else {
			/* A second or a zero key length is ambiguous. */
			if (value == 0 || *key_bits != 0)
				return -EBADMSG;
			*key_bits = value;
		}
	}
	return unknown ? 0 : 1;
}

/* Returns 1 for a usable transform, 0 for one to drop, or -EBADMSG. */
static int parse_transform(struct reader *r, bool *last,
                           struct ike_transform *t)
{
	uint8_t more, reserved;
	uint16_t len;
	struct reader body;

	if (!read_u8(r, &more) || !read_u8(r, &reserved) || !read_u16(r, &len))
		return -EBADMSG;
	if (more != 0 && more != TRANSFORM_MORE)
		return -EBADMSG;
	if (len < TRANSFORM_HEADER_LEN || !read_sub(r, &body, len - 4))
		return -EBADMSG;

	read_u8(&body, &t->type);
	read_u8(&body, &reserved);
	read_u16(&body, &t->id);
	if (body.failed)
		return -EBADMSG;

	*last = more == 0;
	return parse_attributes(&body, &t->key_bits);
}

static int parse_transforms(struct reader *r, uint8_t declared,
                            struct ike_proposal *p)
{
	size_t found = 0;
	bool last = false;

	p->n_transforms = 0;
	while (reader_left(r) > 0) {
		struct ike_transform t;
		int usable;

		if (last)
			return -EBADMSG;
		usable = parse_transform(r, &last, &t);
		if (usable < 0)
			return usable;
		found++;
		if (!usable)
			continue;
		if (p->n_transforms == IKE_MAX_TRANSFORMS)
			return -E2BIG;
		p->transforms[p->n_transforms++] = t;
	}

	if (found > 0 && !last)
		return -EBADMSG;
	if (found != declared)
		return -EBADMSG;
	return 0;
}

static bool spi_size_valid(uint8_t protocol, uint8_t spi_len)
{
	switch (protocol) {
	case PROTO_IKE:
		/* 0 in IKE_SA_INIT, 8 when rekeying the IKE SA. */
		return spi_len == 0 || spi_len == 8;
	case PROTO_AH:
	case PROTO_ESP:
		return spi_len == 4;
	default:
		return false;
	}
}

static int parse_proposal(struct reader *r, bool *last, struct ike_proposal *p)
{
	uint8_t more, reserved, declared;
	uint16_t len;
	struct reader body;

	if (!read_u8(r, &more) || !read_u8(r, &reserved) || !read_u16(r, &len))
		return -EBADMSG;
	if (more != 0 && more != PROPOSAL_MORE)
		return -EBADMSG;
	if (len < PROPOSAL_HEADER_LEN || !read_sub(r, &body, len - 4))
		return -EBADMSG;

	read_u8(&body, &p->num);
	read_u8(&body, &p->protocol);
	read_u8(&body, &p->spi_len);
	read_u8(&body, &declared);
	if (body.failed || !spi_size_valid(p->protocol, p->spi_len))
		return -EBADMSG;
	memset(p->spi, 0, sizeof(p->spi));
	if (!read_bytes(&body, p->spi, p->spi_len))
		return -EBADMSG;

	*last = more == 0;
	return parse_transforms(&body, declared, p);
}

int ike_parse_sa(const uint8_t *body, size_t len, struct ike_sa_payload *out)
{
	struct reader r;
	bool last = false;

	out->n_proposals = 0;
	reader_init(&r, body, len);
	while (reader_left(&r) > 0) {
		struct ike_proposal *p;
		int err;

		if (last)
			return -EBADMSG;
		if (out->n_proposals == IKE_MAX_PROPOSALS)
			return -E2BIG;
		p = &out->proposals[out->n_proposals];
		err = parse_proposal(&r, &last, p);
		if (err < 0)
			return err;
		/*
		 * RFC 7296 3.3.1 lets proposals repeat a number to bundle
		 * AH with ESP.  crest supports no bundles, so numbers rise by
		 * one.  A request starts at 1; a response carries the one
		 * proposal it accepted, with that proposal's number.
		 */
		if (p->num == 0 ||
		    (out->n_proposals > 0 &&
		     p->num != out->proposals[out->n_proposals - 1].num + 1))
			return -EBADMSG;
		out->n_proposals++;
	}

	/* An empty SA payload or a last proposal that promises more. */
	if (!last)
		return -EBADMSG;
	return 0;
}
