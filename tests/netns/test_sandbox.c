// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Tests of the engine's sandbox.  Every sandboxed call runs in a forked
 * child, which the parent judges by its exit status or its signal.
 *
 *   test_sandbox filter   the seccomp filter alone; needs nothing
 *   test_sandbox enter    sandbox_enter; needs root and the user "crest"
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "crestd/sandbox.h"

#ifdef CREST_SANITIZER_BUILD
#define SANITIZER true
#else
#define SANITIZER false
#endif

#define TEST_USER "crest"

/* Exit codes of a child whose forbidden call was not stopped. */
#define CHILD_NO_FILTER 100
#define CHILD_SURVIVED  101

typedef void (*child_fn)(void *arg);

/* Runs fn in a child without core dumps and returns its wait status. */
static int run_child(child_fn fn, void *arg)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit no_core = {0, 0};

		setrlimit(RLIMIT_CORE, &no_core);
		fn(arg);
		_exit(0);
	}

	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void assert_killed_by_sigsys(int status)
{
	if (WIFEXITED(status))
		fail_msg("child exited with %d instead of dying by SIGSYS",
		         WEXITSTATUS(status));
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSYS);
}

static void assert_exited_zero(int status)
{
	if (WIFSIGNALED(status))
		fail_msg("child died by signal %d", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void install_filter_or_exit(void)
{
	if (sandbox_install_filter(SANITIZER) < 0)
		_exit(CHILD_NO_FILTER);
}

static void call_execve(void *arg)
{
	char *argv[] = {"/bin/true", NULL};
	char *envp[] = {NULL};

	install_filter_or_exit();
	execve(argv[0], argv, envp);
	_exit(CHILD_SURVIVED);
}

static void filter_kills_execve(void **state)
{
	assert_killed_by_sigsys(run_child(call_execve, NULL));
}

#ifndef CREST_SANITIZER_BUILD
/* The sanitizer build allows openat for the ASan runtime. */
static void call_openat(void *arg)
{
	install_filter_or_exit();
	syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY);
	_exit(CHILD_SURVIVED);
}

static void filter_kills_openat(void **state)
{
	assert_killed_by_sigsys(run_child(call_openat, NULL));
}
#endif

static void call_socket(void *arg)
{
	install_filter_or_exit();
	syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0);
	_exit(CHILD_SURVIVED);
}

static void filter_kills_socket(void **state)
{
	assert_killed_by_sigsys(run_child(call_socket, NULL));
}

static void call_fork(void *arg)
{
	install_filter_or_exit();
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	_exit(CHILD_SURVIVED);
}

static void filter_kills_fork(void **state)
{
	assert_killed_by_sigsys(run_child(call_fork, NULL));
}

static void call_mmap_exec(void *arg)
{
	install_filter_or_exit();
	mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1,
	     0);
	_exit(CHILD_SURVIVED);
}

static void filter_kills_exec_mapping(void **state)
{
	assert_killed_by_sigsys(run_child(call_mmap_exec, NULL));
}

static void call_fcntl_dupfd(void *arg)
{
	install_filter_or_exit();
	fcntl(0, F_DUPFD, 10);
	_exit(CHILD_SURVIVED);
}

static void filter_kills_fcntl_dupfd(void **state)
{
	assert_killed_by_sigsys(run_child(call_fcntl_dupfd, NULL));
}

static void *thread_main(void *arg)
{
	void *p = malloc(64);

	free(p);
	return arg;
}

/* Descriptors the child sets up before the filter, as the keeper would. */
struct runtime_fds {
	int pipe[2];
	int pair[2];
	int epfd;
};

static int exercise_io(const struct runtime_fds *fds)
{
	char c = 'x';
	struct epoll_event ev;

	if (write(fds->pipe[1], &c, 1) != 1)
		return 1;
	if (epoll_wait(fds->epfd, &ev, 1, 1000) != 1)
		return 2;
	if (read(fds->pipe[0], &c, 1) != 1)
		return 3;

	struct iovec iov = {.iov_base = &c, .iov_len = 1};
	struct mmsghdr mm = {.msg_hdr = {.msg_iov = &iov, .msg_iovlen = 1}};

	if (sendmmsg(fds->pair[0], &mm, 1, 0) != 1)
		return 4;
	if (recvmmsg(fds->pair[1], &mm, 1, 0, NULL) != 1)
		return 5;
	if (send(fds->pair[0], &c, 1, 0) != 1 ||
	    recv(fds->pair[1], &c, 1, 0) != 1)
		return 6;

	int flags = fcntl(fds->pipe[0], F_GETFL);

	if (flags < 0 || fcntl(fds->pipe[0], F_SETFL, flags | O_NONBLOCK) < 0)
		return 7;
	return 0;
}

static int exercise_memory_and_time(void)
{
	struct timespec ts;
	struct timespec nap = {0, 1000000};
	uint8_t rnd[16];

	if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) < 0)
		return 10;
	if (nanosleep(&nap, NULL) < 0)
		return 11;
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return 12;

	/* Large enough for malloc to use mmap and mremap. */
	char *big = malloc(4 << 20);

	if (!big)
		return 13;
	memset(big, 1, 4 << 20);
	big = realloc(big, 8 << 20);
	if (!big)
		return 14;
	free(big);

	pthread_t t;
	int token = 0;
	void *ret = NULL;

	if (pthread_create(&t, NULL, thread_main, &token) != 0)
		return 15;
	if (pthread_join(t, &ret) != 0 || ret != &token)
		return 16;
	return 0;
}

static int exercise_stdio(void)
{
	struct termios tio;

	if (ioctl(1, TCGETS, &tio) == 0 || errno != ENOTTY)
		return 20;
	if (printf("allowed calls work\n") < 0 || fflush(stdout) != 0)
		return 21;
	return 0;
}

static void call_runtime(void *arg)
{
	struct runtime_fds fds;
	struct epoll_event ev = {.events = EPOLLIN};

	if (pipe(fds.pipe) < 0 ||
	    socketpair(AF_UNIX, SOCK_DGRAM, 0, fds.pair) < 0)
		_exit(90);
	fds.epfd = epoll_create1(0);
	if (fds.epfd < 0 ||
	    epoll_ctl(fds.epfd, EPOLL_CTL_ADD, fds.pipe[0], &ev) < 0)
		_exit(91);

	install_filter_or_exit();

	int rc = exercise_io(&fds);

	rc = rc ?: exercise_memory_and_time();
	rc = rc ?: exercise_stdio();
	close(fds.epfd);
	/* _exit: LeakSanitizer's exit check would need calls the filter
	 * forbids. */
	_exit(rc);
}

static void filter_allows_engine_calls(void **state)
{
	int status = run_child(call_runtime, NULL);

	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		fail_msg("allowed call failed: step %d (see call_runtime)",
		         WEXITSTATUS(status));
	assert_exited_zero(status);
}

/* The result of sandbox_enter in a child, sent back through a pipe. */
struct enter_result {
	int rc;
	char err[512];
};

struct enter_args {
	struct sandbox_opts opts;
	int fd;
};

static void call_enter(void *arg)
{
	struct enter_args *a = arg;
	struct enter_result r = {0};

	r.rc = sandbox_enter(&a->opts, r.err, sizeof(r.err));
	if (write(a->fd, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

/* Runs sandbox_enter in a child and returns its result. */
static struct enter_result enter_in_child(const struct sandbox_opts *opts)
{
	int p[2];
	struct enter_result r = {0};

	assert_int_equal(pipe(p), 0);

	struct enter_args a = {.opts = *opts, .fd = p[1]};
	int status = run_child(call_enter, &a);

	close(p[1]);
	assert_int_equal(read(p[0], &r, sizeof(r)), sizeof(r));
	close(p[0]);
	assert_exited_zero(status);
	r.err[sizeof(r.err) - 1] = '\0';
	return r;
}

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("\"%s\" does not contain \"%s\"", text, part);
}

static void enter_rejects_missing_user(void **state)
{
	struct sandbox_opts o = {.user = "crest-test-no-such-user",
	                         .chroot_dir = "/nonexistent/crest-test"};
	struct enter_result r = enter_in_child(&o);

	assert_int_equal(r.rc, -ENOENT);
	assert_contains(r.err, "crest-test-no-such-user not found");
	assert_contains(r.err, "adduser --system --group --no-create-home "
	                       "--home /nonexistent crest-test-no-such-user");
}

/* A root-owned base directory for one test, and the chroot path in it. */
struct tmp_root {
	char base[64];
	char dir[96];
};

static void make_tmp_root(struct tmp_root *t)
{
	snprintf(t->base, sizeof(t->base), "/tmp/crest-sbx-XXXXXX");
	assert_non_null(mkdtemp(t->base));
	snprintf(t->dir, sizeof(t->dir), "%s/empty", t->base);
}

static void remove_tmp_root(struct tmp_root *t)
{
	char stray[128];

	snprintf(stray, sizeof(stray), "%s/stray", t->dir);
	unlink(stray);
	rmdir(t->dir);
	assert_int_equal(rmdir(t->base), 0);
}

static struct enter_result enter_dir(const char *dir)
{
	struct sandbox_opts o = {
	        .user = TEST_USER, .chroot_dir = dir, .sanitizer = SANITIZER};

	return enter_in_child(&o);
}

static void enter_rejects_mode(mode_t mode)
{
	struct tmp_root t;

	make_tmp_root(&t);
	assert_int_equal(mkdir(t.dir, 0755), 0);
	assert_int_equal(chmod(t.dir, mode), 0);

	struct enter_result r = enter_dir(t.dir);

	remove_tmp_root(&t);
	assert_int_equal(r.rc, -EPERM);
	assert_contains(r.err, t.dir);
	assert_contains(r.err, "writable by group or others");
	assert_contains(r.err, "chmod 0755");
}

static void enter_rejects_world_writable(void **state)
{
	enter_rejects_mode(0777);
}

static void enter_rejects_group_writable(void **state)
{
	enter_rejects_mode(0775);
}

static void enter_rejects_nonempty_dir(void **state)
{
	struct tmp_root t;
	char stray[128];

	make_tmp_root(&t);
	assert_int_equal(mkdir(t.dir, 0755), 0);
	snprintf(stray, sizeof(stray), "%s/stray", t.dir);

	int fd = open(stray, O_CREAT | O_WRONLY, 0600);

	assert_true(fd >= 0);
	close(fd);

	struct enter_result r = enter_dir(t.dir);

	remove_tmp_root(&t);
	assert_int_equal(r.rc, -ENOTEMPTY);
	assert_contains(r.err, t.dir);
	assert_contains(r.err, "not empty");
}

static void enter_rejects_dir_owned_by_user(void **state)
{
	struct tmp_root t;
	struct passwd *pw = getpwnam(TEST_USER);

	assert_non_null(pw);
	make_tmp_root(&t);
	assert_int_equal(mkdir(t.dir, 0755), 0);
	assert_int_equal(chown(t.dir, pw->pw_uid, pw->pw_gid), 0);

	struct enter_result r = enter_dir(t.dir);

	remove_tmp_root(&t);
	assert_int_equal(r.rc, -EPERM);
	assert_contains(r.err, t.dir);
	assert_contains(r.err, "chown root:root");
}

static void enter_rejects_symlink(void **state)
{
	struct tmp_root t;
	char link[128];

	make_tmp_root(&t);
	assert_int_equal(mkdir(t.dir, 0755), 0);
	snprintf(link, sizeof(link), "%s/link", t.base);
	assert_int_equal(symlink(t.dir, link), 0);

	struct enter_result r = enter_dir(link);

	unlink(link);
	remove_tmp_root(&t);
	/* O_NOFOLLOW | O_DIRECTORY on a symbolic link fails with ENOTDIR on
	 * Linux 6.18, and ELOOP is what O_NOFOLLOW alone gives. */
	assert_true(r.rc == -ENOTDIR || r.rc == -ELOOP);
	assert_contains(r.err, link);
	assert_contains(r.err, "not a symbolic link");
}

static void enter_rejects_root_user(void **state)
{
	struct sandbox_opts o = {.user = "root", .chroot_dir = "/nonexistent"};
	struct enter_result r = enter_in_child(&o);

	assert_int_equal(r.rc, -EINVAL);
	assert_contains(r.err, "user root has user or group id 0");
}

/* Pipes between the parent and a child that entered the sandbox. */
struct sandboxed {
	struct sandbox_opts opts;
	int report[2]; /* child to parent: /proc/self/status, or an error */
	int resume[2]; /* parent to child: checks done, try a socket */
};

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0)
			_exit(3);
		buf += n;
		len -= (size_t)n;
	}
}

static void run_sandboxed(void *arg)
{
	struct sandboxed *s = arg;
	char err[512];
	char status[8192];

	close(s->report[0]);
	close(s->resume[1]);

	/* open is forbidden once inside, so open the file before. */
	int status_fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (status_fd < 0)
		_exit(2);
	if (sandbox_enter(&s->opts, err, sizeof(err)) < 0) {
		write_all(s->report[1], "error: ", 7);
		write_all(s->report[1], err, strlen(err));
		_exit(1);
	}

	ssize_t n;

	while ((n = read(status_fd, status, sizeof(status))) > 0)
		write_all(s->report[1], status, (size_t)n);
	close(s->report[1]);

	char c;

	if (read(s->resume[0], &c, 1) != 1)
		_exit(4);
	syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0);
	_exit(CHILD_SURVIVED);
}

/* Copies the value after "name:" in /proc/PID/status text into out. */
static const char *status_field(const char *text, const char *name, char *out,
                                size_t outlen)
{
	char key[32];

	snprintf(key, sizeof(key), "\n%s:", name);

	const char *p = strstr(text, key);

	if (!p)
		fail_msg("no %s line in /proc/self/status:\n%s", name, text);
	p += strlen(key);
	while (*p == '\t' || *p == ' ')
		p++;

	size_t len = strcspn(p, "\n");

	if (len >= outlen)
		len = outlen - 1;
	memcpy(out, p, len);
	out[len] = '\0';
	return out;
}

static void check_status(const char *text, const struct passwd *pw)
{
	static const char *const cap_sets[] = {"CapInh", "CapPrm", "CapEff",
	                                       "CapBnd", "CapAmb"};
	char want[64];
	char got[128];

	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", (unsigned)pw->pw_uid,
	         (unsigned)pw->pw_uid, (unsigned)pw->pw_uid,
	         (unsigned)pw->pw_uid);
	assert_string_equal(status_field(text, "Uid", got, sizeof(got)), want);
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", (unsigned)pw->pw_gid,
	         (unsigned)pw->pw_gid, (unsigned)pw->pw_gid,
	         (unsigned)pw->pw_gid);
	assert_string_equal(status_field(text, "Gid", got, sizeof(got)), want);
	assert_string_equal(status_field(text, "Groups", got, sizeof(got)), "");

	for (size_t i = 0; i < sizeof(cap_sets) / sizeof(cap_sets[0]); i++)
		assert_string_equal(
		        status_field(text, cap_sets[i], got, sizeof(got)),
		        "0000000000000000");
	assert_string_equal(status_field(text, "NoNewPrivs", got, sizeof(got)),
	                    "1");
	assert_string_equal(status_field(text, "Seccomp", got, sizeof(got)),
	                    "2");
}

static void check_root_dir(pid_t pid, const char *dir)
{
	char proc[64];
	char target[256];
	struct stat st;

	snprintf(proc, sizeof(proc), "/proc/%d/root", (int)pid);

	ssize_t n = readlink(proc, target, sizeof(target) - 1);

	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, dir);

	assert_int_equal(lstat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(st.st_mode & (S_IWGRP | S_IWOTH), 0);

	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			fail_msg("%s contains %s", dir, e->d_name);
	closedir(d);
}

static void read_report(int fd, char *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;

	buf[off++] = '\n'; /* so that status_field finds the first line */
	while (off < len - 1 && (n = read(fd, buf + off, len - 1 - off)) > 0)
		off += (size_t)n;
	buf[off] = '\0';
	if (strncmp(buf + 1, "error: ", 7) == 0)
		fail_msg("sandbox_enter failed: %s", buf + 8);
}

/*
 * The parent forks the child itself, because it checks the child while the
 * child is alive and waits in the sandbox.
 */
static void enter_drops_everything(void **state)
{
	struct tmp_root t;
	struct sandboxed s = {0};
	struct passwd *pw = getpwnam(TEST_USER);
	char report[8192];

	assert_non_null(pw);
	make_tmp_root(&t);
	s.opts = (struct sandbox_opts){
	        .user = TEST_USER, .chroot_dir = t.dir, .sanitizer = SANITIZER};
	assert_int_equal(pipe(s.report), 0);
	assert_int_equal(pipe(s.resume), 0);

	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit no_core = {0, 0};

		setrlimit(RLIMIT_CORE, &no_core);
		run_sandboxed(&s);
	}
	close(s.report[1]);
	close(s.resume[0]);

	read_report(s.report[0], report, sizeof(report));
	close(s.report[0]);
	check_status(report, pw);
	check_root_dir(pid, t.dir);

	assert_int_equal(write(s.resume[1], "x", 1), 1);
	close(s.resume[1]);

	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	remove_tmp_root(&t);
	assert_killed_by_sigsys(status);
}

#ifdef CREST_SANITIZER_BUILD
struct overflow_args {
	struct sandbox_opts opts;
	int stderr_fd;
};

static void call_overflow(void *arg)
{
	struct overflow_args *a = arg;
	char err[512];
	char *volatile p = malloc(8);

	if (dup2(a->stderr_fd, 2) < 0)
		_exit(2);
	if (sandbox_enter(&a->opts, err, sizeof(err)) < 0)
		_exit(1);
	/* Reads one byte past the block, which ASan reports and exits on. */
	_exit(p[8] == 0x55 ? CHILD_SURVIVED : CHILD_SURVIVED + 1);
}

/* ASan must still be able to write its report from inside the sandbox. */
static void enter_keeps_asan_reports(void **state)
{
	struct tmp_root t;
	struct overflow_args a = {0};
	int p[2];
	char out[16384];

	make_tmp_root(&t);
	a.opts = (struct sandbox_opts){
	        .user = TEST_USER, .chroot_dir = t.dir, .sanitizer = true};
	assert_int_equal(pipe(p), 0);
	a.stderr_fd = p[1];

	int status = run_child(call_overflow, &a);

	close(p[1]);

	size_t off = 0;
	ssize_t n;

	while (off < sizeof(out) - 1 &&
	       (n = read(p[0], out + off, sizeof(out) - 1 - off)) > 0)
		off += (size_t)n;
	out[off] = '\0';
	close(p[0]);
	remove_tmp_root(&t);

	if (WIFSIGNALED(status))
		fail_msg("child died by signal %d; its output:\n%s",
		         WTERMSIG(status), out);
	assert_true(WIFEXITED(status));
	assert_int_not_equal(WEXITSTATUS(status), 0);
	assert_true(WEXITSTATUS(status) < CHILD_SURVIVED);
	assert_contains(out, "AddressSanitizer: heap-buffer-overflow");
}
#endif

static int run_filter_tests(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(filter_kills_execve),
#ifndef CREST_SANITIZER_BUILD
	        cmocka_unit_test(filter_kills_openat),
#endif
	        cmocka_unit_test(filter_kills_socket),
	        cmocka_unit_test(filter_kills_fork),
	        cmocka_unit_test(filter_kills_exec_mapping),
	        cmocka_unit_test(filter_kills_fcntl_dupfd),
	        cmocka_unit_test(filter_allows_engine_calls),
	        cmocka_unit_test(enter_rejects_missing_user),
	};

	return cmocka_run_group_tests_name("sandbox filter", tests, NULL, NULL);
}

static int run_enter_tests(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(enter_drops_everything),
	        cmocka_unit_test(enter_rejects_world_writable),
	        cmocka_unit_test(enter_rejects_group_writable),
	        cmocka_unit_test(enter_rejects_nonempty_dir),
	        cmocka_unit_test(enter_rejects_dir_owned_by_user),
	        cmocka_unit_test(enter_rejects_symlink),
	        cmocka_unit_test(enter_rejects_root_user),
#ifdef CREST_SANITIZER_BUILD
	        cmocka_unit_test(enter_keeps_asan_reports),
#endif
	};

	if (geteuid() != 0) {
		printf("skipped: sandbox_enter needs root\n");
		return 77;
	}
	if (!getpwnam(TEST_USER)) {
		printf("skipped: user %s not found: run scripts/deps.sh as "
		       "root to create it\n",
		       TEST_USER);
		return 77;
	}
	return cmocka_run_group_tests_name("sandbox enter", tests, NULL, NULL);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "filter") == 0)
		return run_filter_tests();
	if (argc == 2 && strcmp(argv[1], "enter") == 0)
		return run_enter_tests();
	fprintf(stderr, "usage: %s filter|enter\n", argv[0]);
	return 2;
}
