// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The engine's sandbox.  sandbox_enter goes from root to a process that
 * cannot open a file, start a program or create a socket:
 *
 *   1. look up the user while /etc/passwd is still visible;
 *   2. open the chroot directory and check that it is root-owned, empty and
 *      writable by root alone, through the open descriptor so that the path
 *      cannot be swapped between the check and the chroot;
 *   3. chroot into it;
 *   4. drop the capability bounding and ambient sets, which needs
 *      CAP_SETPCAP and so must come before the user change;
 *   5. change groups and user, then check that root cannot be regained;
 *   6. set no_new_privs, clear the remaining capabilities and check that
 *      every set is empty;
 *   7. install the seccomp allow-list.
 */
#include "crestd/sandbox.h"

#include <cap-ng.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef CREST_SANITIZER_BUILD
#include <sanitizer/lsan_interface.h>
#endif

__attribute__((format(printf, 4, 5))) static int
fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

int sandbox_lookup_user(const char *user, uid_t *uid, gid_t *gid, char *err,
                        size_t errlen)
{
	errno = 0;
	struct passwd *pw = getpwnam(user);

	if (!pw)
		return fail(err, errlen, errno ? -errno : -ENOENT,
		            "sandbox: user %s not found: create it with "
		            "'adduser --system --group --no-create-home "
		            "--home /nonexistent %s'",
		            user, user);
	if (pw->pw_uid == 0 || pw->pw_gid == 0)
		return fail(err, errlen, -EINVAL,
		            "sandbox: user %s has user or group id 0: "
		            "use an unprivileged system user",
		            user);
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

/* Creates path and its missing parents with mode 0755. */
static int make_dirs(const char *path)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (size_t i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		buf[i] = path[i];
	}
	return 0;
}

static int open_dir(const char *path, char *err, size_t errlen)
{
	int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd = open(path, flags);

	if (fd < 0 && errno == ENOENT) {
		int rc = make_dirs(path);

		if (rc < 0)
			return fail(
			        err, errlen, rc,
			        "sandbox: failed to create chroot directory "
			        "%s: %s",
			        path, strerror(-rc));
		fd = open(path, flags);
	}
	if (fd < 0)
		return fail(err, errlen, -errno,
		            "sandbox: failed to open chroot directory %s: %s "
		            "(it must be a real directory, not a symbolic "
		            "link)",
		            path, strerror(errno));
	return fd;
}

/* Returns 1 if the directory open at fd has no entries, 0 if it has. */
static int dir_is_empty(int fd)
{
	int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);

	if (copy < 0)
		return -errno;

	DIR *d = fdopendir(copy);

	if (!d) {
		int rc = -errno;

		close(copy);
		return rc;
	}

	int empty = 1;
	struct dirent *e;

	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			empty = 0;
			break;
		}
	}
	closedir(d);
	return empty;
}

static int check_dir(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return fail(err, errlen, -errno,
		            "sandbox: failed to stat %s: %s", path,
		            strerror(errno));
	if (st.st_uid != 0)
		return fail(err, errlen, -EPERM,
		            "sandbox: chroot directory %s is owned by uid %u, "
		            "not root: run 'chown root:root %s'",
		            path, (unsigned)st.st_uid, path);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return fail(err, errlen, -EPERM,
		            "sandbox: chroot directory %s is writable by "
		            "group or others (mode %04o): run 'chmod 0755 %s'",
		            path, (unsigned)(st.st_mode & 07777), path);

	int empty = dir_is_empty(fd);

	if (empty < 0)
		return fail(err, errlen, empty,
		            "sandbox: failed to list %s: %s", path,
		            strerror(-empty));
	if (!empty)
		return fail(err, errlen, -ENOTEMPTY,
		            "sandbox: chroot directory %s is not empty: "
		            "remove its contents or choose an empty directory",
		            path);
	return 0;
}

/* Opens, checks and enters the chroot directory. */
static int change_root(const char *path, char *err, size_t errlen)
{
	int fd = open_dir(path, err, errlen);

	if (fd < 0)
		return fd;

	int rc = check_dir(fd, path, err, errlen);

	if (rc == 0 && (fchdir(fd) < 0 || chroot(".") < 0 || chdir("/") < 0))
		rc = fail(err, errlen, -errno, "sandbox: chroot to %s: %s",
		          path, strerror(errno));
	close(fd);
	return rc;
}

/* Runs while root: clearing the bounding set needs CAP_SETPCAP. */
static int drop_bounding_set(char *err, size_t errlen)
{
	if (capng_apply(CAPNG_SELECT_BOUNDS | CAPNG_SELECT_AMBIENT) < 0)
		return fail(err, errlen, -EPERM,
		            "sandbox: failed to clear the capability bounding "
		            "and ambient sets (is crestd running as root?)");
	return 0;
}

static int change_user(uid_t uid, gid_t gid, char *err, size_t errlen)
{
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0)
		return fail(err, errlen, -errno,
		            "sandbox: failed to change to uid %u gid %u: %s",
		            (unsigned)uid, (unsigned)gid, strerror(errno));

	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	if (getresuid(&ruid, &euid, &suid) < 0 ||
	    getresgid(&rgid, &egid, &sgid) < 0)
		return fail(err, errlen, -errno, "sandbox: getresuid: %s",
		            strerror(errno));
	if (ruid != uid || euid != uid || suid != uid || rgid != gid ||
	    egid != gid || sgid != gid)
		return fail(err, errlen, -EPERM,
		            "sandbox: user or group ids did not all change");

	/* With no id left at 0, both calls must fail. */
	if (setuid(0) == 0 || setgid(0) == 0)
		return fail(err, errlen, -EPERM,
		            "sandbox: the process could regain root");

	/* The kernel's own check also covers ACLs, which check_dir skips. */
	if (access("/", W_OK) == 0)
		return fail(err, errlen, -EPERM,
		            "sandbox: the chroot directory is writable by uid "
		            "%u: remove the ACL or permission that allows it",
		            (unsigned)uid);
	return 0;
}

/* Checks every capability set through the kernel, not libcap-ng's copy. */
static int check_no_caps(char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = {
	        .version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) < 0)
		return fail(err, errlen, -errno, "sandbox: capget: %s",
		            strerror(errno));
	for (int i = 0; i < 2; i++)
		if (data[i].effective || data[i].permitted ||
		    data[i].inheritable)
			return fail(err, errlen, -EPERM,
			            "sandbox: capabilities remain after the "
			            "drop");

	/* Both reads fail with EINVAL past the kernel's last capability. */
	for (unsigned long cap = 0;; cap++) {
		int bound = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
		int ambient =
		        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0);

		if (bound < 0 && ambient < 0)
			break;
		if (bound > 0 || ambient > 0)
			return fail(err, errlen, -EPERM,
			            "sandbox: capability %lu remains in the "
			            "bounding or ambient set",
			            cap);
	}
	return 0;
}

static int drop_caps(char *err, size_t errlen)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(err, errlen, -errno,
		            "sandbox: failed to set no_new_privs: %s",
		            strerror(errno));
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return fail(err, errlen, -EPERM,
		            "sandbox: failed to clear capabilities");
	return check_no_caps(err, errlen);
}

int sandbox_enter(const struct sandbox_opts *o, char *err, size_t errlen)
{
	const char *user = o->user ? o->user : SANDBOX_DEFAULT_USER;
	const char *dir = o->chroot_dir ? o->chroot_dir : SANDBOX_DEFAULT_DIR;
	/* gcc -O3 cannot see that a successful lookup sets both and warns.
	 * An id of -1 would make change_user's check fail, never keep root. */
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;
	int rc;

	rc = sandbox_lookup_user(user, &uid, &gid, err, errlen);
	if (rc < 0)
		return rc;

#ifdef CREST_SANITIZER_BUILD
	/*
	 * LeakSanitizer's check at exit lists threads in /proc and stops them
	 * with ptrace, neither of which works in the sandbox.  Check now, which
	 * also turns the check at exit off.
	 */
	if (o->sanitizer)
		__lsan_do_leak_check();
#endif

	/* libcap-ng reads the kernel's last capability from /proc on its first
	 * call, so that call must come before the chroot hides /proc. */
	capng_clear(CAPNG_SELECT_ALL);

	rc = change_root(dir, err, errlen);
	rc = rc ?: drop_bounding_set(err, errlen);
	rc = rc ?: change_user(uid, gid, err, errlen);
	rc = rc ?: drop_caps(err, errlen);
	if (rc < 0)
		return rc;

	rc = sandbox_install_filter(o->sanitizer);
	if (rc < 0)
		return fail(err, errlen, rc,
		            "sandbox: failed to install the seccomp filter: %s",
		            strerror(-rc));
	return 0;
}

/*
 * Calls the engine makes once it runs, allowed with any arguments.  The
 * keeper opens every socket, device and file before the engine enters the
 * sandbox, so socket, open, openat and execve are absent.
 */
static const int engine_calls[] = {
        /* packets and messages: UDP and raw ESP sockets, the TUN device, the
         * keeper's socket pair, the control socket, signalfd */
        SCMP_SYS(read),
        SCMP_SYS(write),
        SCMP_SYS(readv),
        SCMP_SYS(writev),
        SCMP_SYS(recvmsg),
        SCMP_SYS(sendmsg),
        SCMP_SYS(recvmmsg),
        SCMP_SYS(sendmmsg),
        SCMP_SYS(recvfrom),
        SCMP_SYS(sendto),
        /* the event loop, and control clients coming and going */
        SCMP_SYS(epoll_wait),
        SCMP_SYS(epoll_pwait),
        SCMP_SYS(epoll_ctl),
        /* waiting for the keeper's response to an AUTH request */
        SCMP_SYS(poll),
        SCMP_SYS(ppoll),
        SCMP_SYS(accept4),
        SCMP_SYS(shutdown),
        SCMP_SYS(close),
        /* timers and timestamps, when the vDSO falls back to a system call */
        SCMP_SYS(clock_gettime),
        SCMP_SYS(clock_nanosleep),
        SCMP_SYS(nanosleep),
        SCMP_SYS(gettimeofday),
        /* the kernel resumes a sleep stopped by SIGSTOP with this call */
        SCMP_SYS(restart_syscall),
        /* OpenSSL's random generator reseeds from getrandom; locks */
        SCMP_SYS(getrandom),
        SCMP_SYS(futex),
        /* malloc; mmap and mprotect have rules of their own below */
        SCMP_SYS(brk),
        SCMP_SYS(munmap),
        SCMP_SYS(mremap),
        SCMP_SYS(madvise),
        /* signals arrive through signalfd, which needs them blocked */
        SCMP_SYS(rt_sigreturn),
        SCMP_SYS(rt_sigprocmask),
        /* stdio looks at a stream's descriptor before its first write */
        SCMP_SYS(fstat),
        SCMP_SYS(newfstatat),
        SCMP_SYS(lseek),
        SCMP_SYS(getpid),
        /* worker threads, whose clone has a rule below.  glibc 2.36 calls
         * set_robust_list and rseq in each new thread.  Its first
         * pthread_create installs a signal handler with rt_sigaction. */
        SCMP_SYS(set_robust_list),
        SCMP_SYS(rseq),
        SCMP_SYS(rt_sigaction),
        SCMP_SYS(exit),
        SCMP_SYS(exit_group),
};

#ifdef CREST_SANITIZER_BUILD
/*
 * Only in builds with CREST_SANITIZE=ON, for the ASan and UBSan runtimes
 * (clang 14 on x86-64, checked by test_sandbox):
 *   - open and stat: a report looks for /proc/self/maps and a symbolizer.
 *     The chroot hides both, so the calls fail with ENOENT and the report
 *     goes out without symbols.  openat is there for architectures without
 *     open, where no test has run;
 *   - gettid, sigaltstack and sched_getaffinity: ASan sets up each new
 *     thread with them.
 */
static const int sanitizer_calls[] = {
        SCMP_SYS(open),   SCMP_SYS(openat),      SCMP_SYS(stat),
        SCMP_SYS(gettid), SCMP_SYS(sigaltstack), SCMP_SYS(sched_getaffinity),
};
#endif

/*
 * Adds an allow rule.  A call the architecture does not have (libseccomp
 * returns -EDOM for it, e.g. epoll_wait on arm64) is left out.
 */
static int allow(scmp_filter_ctx ctx, int call, unsigned n_args,
                 const struct scmp_arg_cmp *args)
{
	int rc =
	        seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, call, n_args, args);

	return rc == -EDOM ? 0 : rc;
}

static int allow_list(scmp_filter_ctx ctx, const int *calls, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = allow(ctx, calls[i], 0, NULL);

		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Calls allowed only with some arguments. */
static int add_argument_rules(scmp_filter_ctx ctx)
{
	/* Memory may be mapped or reprotected, but never executable. */
	struct scmp_arg_cmp no_exec = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	/* Threads only: clone without CLONE_THREAD starts a process, which
	 * the engine never does. */
	struct scmp_arg_cmp thread =
	        SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
	struct scmp_arg_cmp getfl = SCMP_A1(SCMP_CMP_EQ, F_GETFL, 0);
	struct scmp_arg_cmp setfl = SCMP_A1(SCMP_CMP_EQ, F_SETFL, 0);
	struct scmp_arg_cmp tcgets = SCMP_A1(SCMP_CMP_EQ, TCGETS, 0);
	int rc;

	rc = allow(ctx, SCMP_SYS(mmap), 1, &no_exec);
	rc = rc ?: allow(ctx, SCMP_SYS(mprotect), 1, &no_exec);
	rc = rc ?: allow(ctx, SCMP_SYS(clone), 1, &thread);
	rc = rc ?: allow(ctx, SCMP_SYS(fcntl), 1, &getfl);
	rc = rc ?: allow(ctx, SCMP_SYS(fcntl), 1, &setfl);
	if (rc < 0)
		return rc;

	/* glibc tries clone3 first and falls back to clone on ENOSYS.  The
	 * flags of clone3 sit in memory, where seccomp cannot see them. */
	rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (rc < 0 && rc != -EDOM)
		return rc;

	/* Before stdio buffers a stream on a character device, it checks
	 * whether the device is a terminal.  ENOTTY makes it fully buffered. */
	rc = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(ENOTTY),
	                            SCMP_SYS(ioctl), 1, &tcgets);
	return rc == -EDOM ? 0 : rc;
}

int sandbox_install_filter(bool sanitizer)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int rc;

	if (!ctx)
		return -ENOMEM;

	/* A call through another ABI (int 0x80 on x86-64) is killed too. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	                      SCMP_ACT_KILL_PROCESS);
	rc = rc
	             ?: allow_list(ctx, engine_calls,
	                           sizeof(engine_calls) /
	                                   sizeof(engine_calls[0]));
	rc = rc ?: add_argument_rules(ctx);
#ifdef CREST_SANITIZER_BUILD
	if (rc == 0 && sanitizer)
		rc = allow_list(ctx, sanitizer_calls,
		                sizeof(sanitizer_calls) /
		                        sizeof(sanitizer_calls[0]));
#endif
	rc = rc ?: seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}
