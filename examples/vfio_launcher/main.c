/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * Start a DPDK application without privileges, handing it the fds VFIO
 * cdev mode needs. Run as root, the launcher opens /dev/iommu and the
 * VFIO cdev of each device it is given, sets the iommufd to charge pinned
 * memory to the process (not to the user), optionally binds the devices,
 * sets the memlock limit, drops to a user with no capabilities (and
 * optionally enters a container's mount namespace), and execs the
 * application with --vfio-iommufd and --vfio-device-fd naming the fds.
 * The application then needs no access to /dev/vfio, /dev/iommu nor
 * /sys beyond reading.
 *
 *   dpdk-vfio_launcher --user USER [--device ADDR]... [--memlock SIZE]
 *       [--bind] [--vf-token UUID] [--per-user] [--mount-ns FILE]
 *       -- PROGRAM [EAL options] [-- application options]
 *
 * Without --device, the devices are the PCI addresses listed in the
 * PCIDEVICE_<RESOURCE> environment variables that Kubernetes SR-IOV
 * device plugins set.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/vfio.h>

#include <rte_common.h>
#include <rte_pci.h>
#include <rte_uuid.h>

#define MAX_DEVICES 64
#define SYSFS_PCI "/sys/bus/pci/devices"
#define DEVICES_DIR "/dev/vfio/devices"

/* iommufd and VFIO cdev uAPI (Linux 6.6+), as far as used here: the
 * system's headers may predate it.
 */
#define IOMMUFD_TYPE (';')
struct launcher_iommu_option {
	__u32 size;
	__u32 option_id;
	__u16 op;
	__u16 reserved;
	__u32 object_id;
	__aligned_u64 val64;
};
#define LAUNCHER_IOMMU_OPTION _IO(IOMMUFD_TYPE, 0x87)
#define LAUNCHER_OPTION_RLIMIT_MODE 0
#define LAUNCHER_OPTION_OP_SET 0
#define LAUNCHER_RLIMIT_PER_PROCESS 1

struct launcher_bind {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
	__aligned_u64 token_uuid_ptr;
};
#define LAUNCHER_BIND_FLAG_TOKEN (1 << 0)
#define LAUNCHER_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)

extern char **environ;

struct device {
	char addr[PCI_PRI_STR_SIZE];
	int fd;
	uint32_t devid;
};

static struct {
	struct device devices[MAX_DEVICES];
	unsigned int nb_devices;
	uid_t uid;
	gid_t gid;
	bool user_given, group_given;
	uint64_t memlock;
	bool bind, per_user;
	rte_uuid_t token;
	bool token_given;
	const char *mount_ns;
	char **program;	/* PROGRAM and its arguments */
} conf;

#define LAUNCHER_ERR(fmt, ...) \
	fprintf(stderr, "vfio_launcher: " fmt "\n", ## __VA_ARGS__)

static void
usage(const char *prg)
{
	fprintf(stderr,
		"usage: %s --user USER [options] -- PROGRAM [EAL options] [-- app options]\n"
		"  -u, --user USER       run PROGRAM as USER (name or uid), no capabilities\n"
		"  -g, --group GROUP     with this group (default: USER's)\n"
		"  -d, --device ADDR     a PCI device bound to vfio-pci (repeat); default:\n"
		"                        those in the PCIDEVICE_* environment variables\n"
		"  -l, --memlock SIZE    PROGRAM's RLIMIT_MEMLOCK, e.g. 2G (K, M, G)\n"
		"  -b, --bind            bind the devices to the iommufd before handing them\n"
		"  -t, --vf-token UUID   VF token: given at bind with --bind, else passed\n"
		"                        to PROGRAM as --vfio-vf-token\n"
		"      --per-user        keep iommufd's per-user memlock accounting\n"
		"  -m, --mount-ns FILE   run PROGRAM in this mount namespace\n",
		prg);
}

static int
add_device(const char *arg)
{
	struct rte_pci_addr addr;
	struct device *d;
	unsigned int i;

	if (rte_pci_addr_parse(arg, &addr) < 0) {
		LAUNCHER_ERR("%s: not a PCI address", arg);
		return -1;
	}
	if (conf.nb_devices == MAX_DEVICES) {
		LAUNCHER_ERR("more than %d devices", MAX_DEVICES);
		return -1;
	}
	d = &conf.devices[conf.nb_devices];
	rte_pci_device_name(&addr, d->addr, sizeof(d->addr));
	for (i = 0; i < conf.nb_devices; i++) {
		if (strcmp(conf.devices[i].addr, d->addr) == 0)
			return 0;
	}
	d->fd = -1;
	conf.nb_devices++;
	return 0;
}

/* "0000:00:02.0,0000:00:03.0" of each PCIDEVICE_<RESOURCE> variable (not
 * the _INFO ones).
 */
static int
devices_from_env(void)
{
	char **e, *list, *tok, *save, *eq;
	int ret = 0;

	for (e = environ; *e != NULL && ret == 0; e++) {
		eq = strchr(*e, '=');
		if (strncmp(*e, "PCIDEVICE_", 10) != 0 || eq == NULL ||
				(eq - *e >= 5 && strncmp(eq - 5, "_INFO", 5) == 0))
			continue;
		list = strdup(eq + 1);
		if (list == NULL)
			return -1;
		for (tok = strtok_r(list, ",", &save); tok != NULL && ret == 0;
				tok = strtok_r(NULL, ",", &save))
			ret = add_device(tok);
		free(list);
	}
	return ret;
}

/* A uid or gid given as a number: true, in *id. */
static bool
numeric_id(const char *arg, unsigned int *id)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || v > UINT32_MAX - 1)
		return false;
	*id = v;
	return true;
}

static int
parse_user(const char *arg)
{
	struct passwd *pw;
	unsigned int id;

	if (numeric_id(arg, &id)) {
		conf.uid = id;
		pw = getpwuid(conf.uid);
	} else {
		pw = getpwnam(arg);
		if (pw == NULL) {
			LAUNCHER_ERR("no user %s", arg);
			return -1;
		}
		conf.uid = pw->pw_uid;
	}
	if (!conf.group_given)
		conf.gid = pw != NULL ? pw->pw_gid : conf.uid;
	conf.user_given = true;
	return 0;
}

static int
parse_group(const char *arg)
{
	struct group *gr;
	unsigned int id;

	if (numeric_id(arg, &id)) {
		conf.gid = id;
	} else {
		gr = getgrnam(arg);
		if (gr == NULL) {
			LAUNCHER_ERR("no group %s", arg);
			return -1;
		}
		conf.gid = gr->gr_gid;
	}
	conf.group_given = true;
	return 0;
}

static int
parse_size(const char *arg, uint64_t *size)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (end == arg || errno != 0)
		return -1;
	switch (*end) {
	case 'G': case 'g':
		v <<= 10;
		/* fall through */
	case 'M': case 'm':
		v <<= 10;
		/* fall through */
	case 'K': case 'k':
		v <<= 10;
		end++;
		break;
	}
	if (*end != '\0')
		return -1;
	*size = v;
	return 0;
}

static int
parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "group", required_argument, NULL, 'g' },
		{ "device", required_argument, NULL, 'd' },
		{ "memlock", required_argument, NULL, 'l' },
		{ "bind", no_argument, NULL, 'b' },
		{ "vf-token", required_argument, NULL, 't' },
		{ "per-user", no_argument, NULL, 'p' },
		{ "mount-ns", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "+u:g:d:l:bt:m:h", longopts,
			NULL)) != -1) {
		switch (opt) {
		case 'u':
			if (parse_user(optarg) < 0)
				return -1;
			break;
		case 'g':
			if (parse_group(optarg) < 0)
				return -1;
			break;
		case 'd':
			if (add_device(optarg) < 0)
				return -1;
			break;
		case 'l':
			if (parse_size(optarg, &conf.memlock) < 0) {
				LAUNCHER_ERR("--memlock %s: expected a size, e.g. 2G",
					optarg);
				return -1;
			}
			break;
		case 'b':
			conf.bind = true;
			break;
		case 't':
			if (rte_uuid_parse(optarg, conf.token) < 0) {
				LAUNCHER_ERR("--vf-token %s: not a UUID", optarg);
				return -1;
			}
			conf.token_given = true;
			break;
		case 'p':
			conf.per_user = true;
			break;
		case 'm':
			conf.mount_ns = optarg;
			break;
		default:
			return -1;
		}
	}
	if (optind >= argc) {
		LAUNCHER_ERR("no program to run");
		return -1;
	}
	if (!conf.user_given || conf.uid == 0) {
		LAUNCHER_ERR("give --user, a user other than root, to run the program as");
		return -1;
	}
	conf.program = &argv[optind];
	if (conf.nb_devices == 0 && devices_from_env() < 0)
		return -1;
	if (conf.nb_devices == 0) {
		LAUNCHER_ERR("no device: give --device or PCIDEVICE_* variables");
		return -1;
	}
	return 0;
}

/* iommufd charges pinned memory per user unless told otherwise, which
 * only a privileged opener can do, before anything is in it.
 */
static int
open_iommufd(void)
{
	struct launcher_iommu_option opt = {
		.size = sizeof(opt),
		.option_id = LAUNCHER_OPTION_RLIMIT_MODE,
		.op = LAUNCHER_OPTION_OP_SET,
		.val64 = LAUNCHER_RLIMIT_PER_PROCESS,
	};
	int fd;

	fd = open("/dev/iommu", O_RDWR);
	if (fd < 0) {
		LAUNCHER_ERR("cannot open /dev/iommu: %s", strerror(errno));
		return -1;
	}
	if (!conf.per_user && ioctl(fd, LAUNCHER_IOMMU_OPTION, &opt) < 0) {
		LAUNCHER_ERR("/dev/iommu: cannot set per-process accounting: %s",
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The one vfioN of the device, and its devt, from sysfs. */
static int
cdev_of(const char *addr, char *name, size_t len, dev_t *devt)
{
	char path[PATH_MAX], buf[32];
	unsigned int maj, min;
	struct dirent *e;
	DIR *d;
	FILE *f;
	int ret = -1;

	snprintf(path, sizeof(path), SYSFS_PCI "/%s/vfio-dev", addr);
	d = opendir(path);
	if (d == NULL) {
		LAUNCHER_ERR("%s: no %s: not bound to vfio-pci, or no VFIO cdevs",
			addr, path);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "vfio", 4) == 0) {
			snprintf(name, len, "%s", e->d_name);
			ret = 0;
			break;
		}
	}
	closedir(d);
	if (ret < 0) {
		LAUNCHER_ERR("%s: %s is empty", addr, path);
		return -1;
	}
	snprintf(path, sizeof(path), SYSFS_PCI "/%s/vfio-dev/%s/dev", addr,
		name);
	f = fopen(path, "re");
	if (f == NULL || fgets(buf, sizeof(buf), f) == NULL ||
			sscanf(buf, "%u:%u", &maj, &min) != 2) {
		LAUNCHER_ERR("%s: cannot read %s", addr, path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	fclose(f);
	*devt = makedev(maj, min);
	return 0;
}

/* Open the device's cdev, checked to be the one sysfs names; bind it. */
static int
open_device(struct device *d, int iommufd)
{
	struct launcher_bind bind = {
		.argsz = sizeof(bind),
		.iommufd = iommufd,
	};
	char name[64], path[PATH_MAX];
	struct stat st;
	dev_t devt;

	if (cdev_of(d->addr, name, sizeof(name), &devt) < 0)
		return -1;
	snprintf(path, sizeof(path), DEVICES_DIR "/%s", name);
	d->fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK);
	if (d->fd < 0) {
		LAUNCHER_ERR("%s: cannot open %s: %s", d->addr, path,
			strerror(errno));
		return -1;
	}
	if (fstat(d->fd, &st) < 0 || !S_ISCHR(st.st_mode) ||
			st.st_rdev != devt || fcntl(d->fd, F_SETFL, 0) < 0) {
		LAUNCHER_ERR("%s: %s is not the character device %u:%u sysfs names",
			d->addr, path, major(devt), minor(devt));
		return -1;
	}
	if (!conf.bind)
		return 0;
	if (conf.token_given) {
		bind.flags = LAUNCHER_BIND_FLAG_TOKEN;
		bind.token_uuid_ptr = (uintptr_t)conf.token;
	}
	if (ioctl(d->fd, LAUNCHER_DEVICE_BIND_IOMMUFD, &bind) < 0) {
		LAUNCHER_ERR("%s: VFIO_DEVICE_BIND_IOMMUFD: %s%s", d->addr,
			strerror(errno), errno == EINVAL && conf.token_given ?
			"; this kernel may take no VF token at bind (6.17+): leave out --bind, DPDK then gives it" :
			"");
		return -1;
	}
	d->devid = bind.out_devid;
	return 0;
}

/* Become the user, keeping no capability, now or through any exec. */
static int
drop_privileges(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3];
	unsigned int i;
	int cap;

	for (cap = 0; prctl(PR_CAPBSET_READ, cap) >= 0; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap) < 0) {
			LAUNCHER_ERR("cannot drop capability %d: %s", cap,
				strerror(errno));
			return -1;
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 ||
			setgroups(0, NULL) < 0 || setresgid(conf.gid, conf.gid,
			conf.gid) < 0 || setresuid(conf.uid, conf.uid,
			conf.uid) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		LAUNCHER_ERR("cannot become uid %u gid %u: %s",
			(unsigned int)conf.uid, (unsigned int)conf.gid,
			strerror(errno));
		return -1;
	}
	/* leaving uid 0 clears them: checked, never assumed */
	if (syscall(SYS_capget, &hdr, caps) < 0)
		return -1;
	for (i = 0; i < RTE_DIM(caps); i++) {
		if (caps[i].effective != 0 || caps[i].permitted != 0 ||
				caps[i].inheritable != 0) {
			LAUNCHER_ERR("capabilities left after dropping to uid %u",
				(unsigned int)conf.uid);
			return -1;
		}
	}
	return 0;
}

/* Unless the program allows devices itself (-a), it gets those opened. */
static bool
program_allows_devices(void)
{
	char **a;

	for (a = conf.program + 1; *a != NULL && strcmp(*a, "--") != 0; a++) {
		if (strncmp(*a, "-a", 2) == 0 || strncmp(*a, "--allow", 7) == 0)
			return true;
	}
	return false;
}

/* PROGRAM, the fds' EAL options, then the program's own arguments. */
static char **
program_argv(int iommufd)
{
	unsigned int nb_args = 0, n = 0, i;
	bool allow = !program_allows_devices();
	char uuid[RTE_UUID_STRLEN];
	char **argv, **a;

	for (a = conf.program; *a != NULL; a++)
		nb_args++;
	argv = calloc(nb_args + 3 * conf.nb_devices + 3, sizeof(*argv));
	if (argv == NULL)
		return NULL;
	argv[n++] = conf.program[0];
	if (asprintf(&argv[n++], "--vfio-iommufd=%d", iommufd) < 0)
		return NULL;
	for (i = 0; i < conf.nb_devices; i++) {
		if (asprintf(&argv[n++], "--vfio-device-fd=%s=%d",
				conf.devices[i].addr, conf.devices[i].fd) < 0)
			return NULL;
		if (allow && asprintf(&argv[n++], "-a%s",
				conf.devices[i].addr) < 0)
			return NULL;
	}
	if (conf.token_given && !conf.bind) {
		rte_uuid_unparse(conf.token, uuid, sizeof(uuid));
		if (asprintf(&argv[n++], "--vfio-vf-token=%s", uuid) < 0)
			return NULL;
	}
	for (a = conf.program + 1; *a != NULL; a++)
		argv[n++] = *a;
	argv[n] = NULL;
	return argv;
}

static int
enter_mount_ns(void)
{
	int fd;

	fd = open(conf.mount_ns, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNS) < 0 || chdir("/") < 0) {
		LAUNCHER_ERR("cannot enter mount namespace %s: %s",
			conf.mount_ns, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

int
main(int argc, char **argv)
{
	struct rlimit rl;
	char **prg_argv;
	unsigned int i;
	int iommufd;

	if (parse_args(argc, argv) < 0) {
		usage(argv[0]);
		return 2;
	}
	iommufd = open_iommufd();
	if (iommufd < 0)
		return 1;
	for (i = 0; i < conf.nb_devices; i++) {
		if (open_device(&conf.devices[i], iommufd) < 0)
			return 1;
		fprintf(stderr, "vfio_launcher: %s: fd %d%s\n",
			conf.devices[i].addr, conf.devices[i].fd,
			conf.bind ? ", bound" : "");
	}
	if (conf.memlock != 0) {
		rl.rlim_cur = rl.rlim_max = conf.memlock;
		if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
			LAUNCHER_ERR("cannot set RLIMIT_MEMLOCK: %s",
				strerror(errno));
			return 1;
		}
	}
	if (conf.mount_ns != NULL && enter_mount_ns() < 0)
		return 1;
	prg_argv = program_argv(iommufd);
	if (prg_argv == NULL) {
		LAUNCHER_ERR("out of memory");
		return 1;
	}
	if (drop_privileges() < 0)
		return 1;
	fprintf(stderr, "vfio_launcher: iommufd fd %d (%s accounting), running %s as uid %u\n",
		iommufd, conf.per_user ? "per-user" : "per-process",
		prg_argv[0], (unsigned int)conf.uid);
	execvp(prg_argv[0], prg_argv);
	LAUNCHER_ERR("cannot run %s: %s", prg_argv[0], strerror(errno));
	return 127;
}
