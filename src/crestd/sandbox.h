/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The engine's sandbox: an empty chroot, an unprivileged user, no
 * capabilities, no_new_privs and a seccomp allow-list.  The engine enters it
 * once, after the keeper has handed over every file descriptor it needs and
 * before it starts any thread, because capabilities are per thread.
 */
#ifndef CREST_CRESTD_SANDBOX_H
#define CREST_CRESTD_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SANDBOX_DEFAULT_USER "crest"
#define SANDBOX_DEFAULT_DIR  "/run/crest/empty"

struct sandbox_opts {
	const char *user;       /* NULL means SANDBOX_DEFAULT_USER */
	const char *chroot_dir; /* NULL means SANDBOX_DEFAULT_DIR */
	/* Allow what the ASan/UBSan runtime calls.  Has an effect only when
	 * CREST_SANITIZER_BUILD is defined. */
	bool sanitizer;
};

/*
 * Enters the sandbox, which needs root.  Creates chroot_dir (mode 0755) and
 * any missing parents if it does not exist.  Returns 0, or a negative errno
 * with a message in err.  After a failure the process may be half-way in, so
 * the caller must exit.
 *
 * With o->sanitizer, runs LeakSanitizer's check at once, because its check at
 * exit needs /proc and ptrace, which the sandbox takes away.
 */
int sandbox_enter(const struct sandbox_opts *o, char *err, size_t errlen);

/*
 * Finds the engine's user, which must exist and have neither user nor group
 * id 0.  Returns 0, or a negative errno with the fix (the adduser command)
 * in err.
 */
int sandbox_lookup_user(const char *user, uid_t *uid, gid_t *gid, char *err,
                        size_t errlen);

/* Exit status of an engine that cannot enter its sandbox: a restart would
 * fail the same way, so the keeper stops. */
#define SANDBOX_EXIT_SETUP 78

/*
 * Installs the seccomp allow-list alone, with no_new_privs.  A call outside
 * the list kills the process with SIGSYS.  Returns 0 or a negative errno.
 */
int sandbox_install_filter(bool sanitizer);

#endif
