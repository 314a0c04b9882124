/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Registration of each exchange's and extension's handlers. */
#ifndef CREST_IKE_EXCHANGES_H
#define CREST_IKE_EXCHANGES_H

#include "ike/handler.h"

void sa_init_register(void);
void natt_register(void);
void ike_auth_register(void);
void informational_register(void);
void create_child_register(void);

#endif
