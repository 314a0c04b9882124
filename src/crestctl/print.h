/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Human-readable output of crestctl, one printer per command. */
#ifndef CREST_CRESTCTL_PRINT_H
#define CREST_CRESTCTL_PRINT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/*
 * Prints a successful response to out.  A command without a printer of
 * its own, such as one a newer crestd added, is printed as indented JSON.
 */
void print_response(const char *command, const json_t *resp, FILE *out);

void print_status(const json_t *resp, FILE *out);
void print_sas(const json_t *resp, FILE *out);
void print_counters(const json_t *resp, FILE *out);
void print_connections(const json_t *resp, FILE *out);
void print_initiate(const json_t *resp, FILE *out);
void print_terminate(const json_t *resp, FILE *out);
void print_rekey(const json_t *resp, FILE *out);
void print_reload(const json_t *resp, FILE *out);
void print_check(const json_t *resp, FILE *out);
void print_log(const json_t *resp, FILE *out);

/* Member key of obj as a string, or "?" when missing or not a string. */
const char *print_str(const json_t *obj, const char *key);
/* Member key of obj as an integer, or 0 when missing. */
long long print_int(const json_t *obj, const char *key);
/* Prints the strings of array key of obj, separated by ", ". */
void print_list(const json_t *obj, const char *key, FILE *out);

#endif
