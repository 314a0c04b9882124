// SPDX-License-Identifier: LGPL-2.1-or-later
#include "dataplane/tun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int tun_open(const char *name, char actual[IFNAMSIZ])
{
	struct ifreq ifr;
	size_t name_len;
	int fd, err;

	if (!name)
		return -EINVAL;
	name_len = strlen(name);
	if (name_len >= IFNAMSIZ)
		return -ENAMETOOLONG;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, name_len);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		err = -errno;
		close(fd);
		return err;
	}

	if (actual) {
		memcpy(actual, ifr.ifr_name, IFNAMSIZ);
		actual[IFNAMSIZ - 1] = '\0';
	}
	return fd;
}
