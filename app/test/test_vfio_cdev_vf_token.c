/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * VF tokens in cdev mode, on the SR-IOV device of the test bed (QEMU's
 * NVMe, testbed/tests/vf-token.sh). No PMD drives it, so a test PCI
 * driver takes it and the PCI bus maps it through rte_vfio_setup_device(),
 * as it would a NIC. The environment names the devices and what the kernel
 * does:
 *   VFIO_TOKEN_PF=<BDF>, the PF, bound to vfio-pci
 *   VFIO_TOKEN_CHECKED=1 if VFIO_DEVICE_BIND_IOMMUFD checks VF tokens
 *     (Linux 6.17, or 6.12 with the test bed's patch), 0 if not (6.12)
 *   VFIO_TOKEN_WRONG=<UUID>, a token that is not the PF's
 *   VFIO_TOKEN_SYNC=<dir>, where the PF's owner and the test script meet:
 *     the owner creates pf-ready once it has set the token; the script
 *     then creates the VF (its PF's reset at open would take it away)
 *     and writes its address to vf; the owner creates holding and keeps
 *     the PF until release exists.
 *   VFIO_TOKEN_VF=<BDF>, the VF, for vfio_cdev_vf_probe_autotest
 *   VFIO_TOKEN_PLAIN=<BDF>, a device on vfio-pci that is no PF nor VF
 * vfio_cdev_vf_token_autotest owns the PF with --vfio-vf-token and
 * checks the VF's binds; vfio_cdev_vf_probe_autotest, run in another
 * process in either mode, only probes the VF and says how it went
 * ("done" or "refused"): it passes either way, and vf-token.sh, which
 * knows what each mode and token should give, holds the verdict.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bus_pci_driver.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_uuid.h>
#include <rte_vfio_cdev.h>

#include "test.h"
#include "eal_iommufd.h"
#include "eal_vfio_cdev.h"
#include "eal_vfio_cdev_uapi.h"

static const struct rte_pci_id nvme_ids[] = {
	{ RTE_PCI_DEVICE(0x1b36, 0x0010) },	/* QEMU NVMe controller */
	{ .vendor_id = 0 },
};

static int
nvme_probe(struct rte_pci_driver *drv __rte_unused,
		struct rte_pci_device *dev __rte_unused)
{
	return 0;
}

static int
nvme_remove(struct rte_pci_device *dev __rte_unused)
{
	return 0;
}

static struct rte_pci_driver nvme_test_driver = {
	.driver = { .name = "vfio_cdev_nvme_test" },
	.id_table = nvme_ids,
	.drv_flags = RTE_PCI_DRV_NEED_MAPPING,
	.probe = nvme_probe,
	.remove = nvme_remove,
};

static const char *pf, *vf;
static char vf_name[PCI_PRI_STR_SIZE];
static bool checked;

/* Wait (up to 2 minutes) for the test script to create VFIO_TOKEN_SYNC's
 * file name; if line is given, the file's first line, which must be there.
 */
static int
sync_wait(const char *name, char *line, size_t len)
{
	char path[PATH_MAX];
	FILE *f = NULL;
	int i;

	snprintf(path, sizeof(path), "%s/%s", getenv("VFIO_TOKEN_SYNC"), name);
	for (i = 0; i < 1200 && f == NULL; i++) {
		f = fopen(path, "r");
		if (f == NULL)
			rte_delay_ms(100);
	}
	if (f == NULL) {
		printf("%s did not appear\n", path);
		return -1;
	}
	if (line != NULL && (fgets(line, len, f) == NULL ||
			strtok(line, "\n") == NULL)) {
		printf("%s is empty\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* Create VFIO_TOKEN_SYNC's file name, for the test script. */
static int
sync_signal(const char *name)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", getenv("VFIO_TOKEN_SYNC"), name);
	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fclose(f);
	return 0;
}

static int
token_setup(void)
{
	const char *c = getenv("VFIO_TOKEN_CHECKED");

	pf = getenv("VFIO_TOKEN_PF");
	vf = getenv("VFIO_TOKEN_VF");
	if (pf == NULL || c == NULL ||
			(vf == NULL && getenv("VFIO_TOKEN_SYNC") == NULL)) {
		printf("no SR-IOV device (VFIO_TOKEN_PF, _VF or _SYNC, _CHECKED): skipped\n");
		return TEST_SKIPPED;
	}
	checked = strcmp(c, "1") == 0;
	rte_pci_register(&nvme_test_driver);
	return TEST_SUCCESS;
}

/* The PF's owner binds the VF itself, through its cdev. */
static int
owner_setup(void)
{
	if (rte_vfio_mode_get() != RTE_VFIO_MODE_CDEV) {
		printf("not in cdev mode: skipped\n");
		return TEST_SKIPPED;
	}
	return token_setup();
}

static void
token_teardown(void)
{
	rte_pci_unregister(&nvme_test_driver);
}

/* VFIO_DEVICE_BIND_IOMMUFD's argument, and bytes after it. */
struct bind_arg {
	struct vfio_cdev_bind_iommufd bind;
	uint64_t tail;
};

/* Open a device's cdev and bind it with arg; 0 or -errno. Closed after. */
static int
bind_dev(const char *name, struct bind_arg *arg)
{
	struct vfio_cdev_device dev = { .fd = -1 };
	int ret;

	snprintf(dev.name, sizeof(dev.name), "%s", name);
	snprintf(dev.sysfs_dir, sizeof(dev.sysfs_dir), "%s/%s",
		rte_pci_get_sysfs_path(), name);
	if (vfio_cdev_resolve(&dev) < 0 || vfio_cdev_open(&dev) < 0)
		return -ENODEV;
	arg->bind.iommufd = eal_iommufd_fd();
	ret = ioctl(dev.fd, VFIO_DEVICE_BIND_IOMMUFD, arg) < 0 ? -errno : 0;
	vfio_cdev_close(&dev);
	return ret;
}

/* Bind the VF with a token or without. */
static int
bind_vf(const rte_uuid_t token)
{
	struct bind_arg arg = { .bind.argsz = sizeof(arg.bind) };

	if (token != NULL) {
		arg.bind.flags = VFIO_CDEV_BIND_FLAG_TOKEN;
		arg.bind.token_uuid_ptr = (uintptr_t)token;
	}
	return bind_dev(vf, &arg);
}

static const char *
result(int ret)
{
	return ret == 0 ? "bound" : strerror(-ret);
}

/* The token flag in a struct too short for the token pointer: upstream
 * (6.17+, the test bed's 7.3) reads the pointer all the same and faults on
 * it; the carried 6.12 patch refuses the struct.
 */
#define SHORT_TOKEN 1

static int
short_token_errno(void)
{
	unsigned int major = 0, minor = 0;
	struct utsname u;

	if (uname(&u) == 0)
		sscanf(u.release, "%u.%u", &major, &minor);
	return major > 6 || (major == 6 && minor >= 17) ? -EFAULT : -EINVAL;
}

/*
 * The argument's forms on a device that is no PF nor VF
 * (VFIO_TOKEN_PLAIN): a kernel that checks tokens takes the struct of
 * any size, refuses non-zero bytes it does not know, unknown flags, the
 * token flag in a struct too short for the token and a token the device
 * has no use for; 6.12 reads 16 bytes and refuses any flag.
 */
static int
test_bind_argument(void)
{
	const struct {
		const char *what;
		uint32_t argsz, flags;
		uint64_t tail;
		int checked, unchecked;
	} cases[] = {
		{ "6.12's 16 bytes", 16, 0, 0, 0, 0 },
		{ "6.17's 24 bytes", 24, 0, 0, 0, 0 },
		{ "32 bytes, zero after", 32, 0, 0, 0, 0 },
		{ "32 bytes, non-zero after", 32, 0, 1, -E2BIG, 0 },
		{ "an unknown flag", 24, 1 << 1, 0, -EINVAL, -EINVAL },
		{ "the token flag in 16 bytes", 16, VFIO_CDEV_BIND_FLAG_TOKEN, 0,
			SHORT_TOKEN, -EINVAL },
		{ "a token it has no use for", 24, VFIO_CDEV_BIND_FLAG_TOKEN, 0,
			-EINVAL, -EINVAL },
	};
	const char *plain = getenv("VFIO_TOKEN_PLAIN");
	rte_uuid_t token;
	unsigned int i;
	int ret, want;

	if (plain == NULL) {
		printf("no VFIO_TOKEN_PLAIN device: skipped\n");
		return TEST_SKIPPED;
	}
	memset(token, 0x5a, sizeof(token));
	for (i = 0; i < RTE_DIM(cases); i++) {
		struct bind_arg arg = {
			.bind = {
				.argsz = cases[i].argsz,
				.flags = cases[i].flags,
				.token_uuid_ptr = (uintptr_t)token,
			},
			.tail = cases[i].tail,
		};

		ret = bind_dev(plain, &arg);
		want = checked ? cases[i].checked : cases[i].unchecked;
		if (want == SHORT_TOKEN)
			want = short_token_errno();
		printf("bind of %s with %s: %s\n", plain, cases[i].what,
			result(ret));
		TEST_ASSERT_EQUAL(ret, want, "%s: %s, not %s", cases[i].what,
			result(ret), result(want));
	}
	return TEST_SUCCESS;
}

/*
 * This process owns the PF and has set its VF token (--vfio-vf-token).
 * A bind of the VF without a token or with another one is refused when
 * the kernel checks tokens, taken when it does not; the right token is
 * taken by a kernel that checks, refused as an unknown flag otherwise.
 */
static int
test_vf_binds(void)
{
	rte_uuid_t token, wrong;
	const char *w = getenv("VFIO_TOKEN_WRONG");
	int none, bad, good;

	TEST_ASSERT(w != NULL && rte_uuid_parse(w, wrong) == 0,
		"VFIO_TOKEN_WRONG is not a UUID");
	rte_eal_vfio_get_vf_token(token);
	TEST_ASSERT(!rte_uuid_is_null(token), "run with --vfio-vf-token");
	TEST_ASSERT_SUCCESS(rte_dev_probe(pf), "the PF %s was not set up", pf);
	TEST_ASSERT_SUCCESS(sync_signal("pf-ready"), "cannot signal pf-ready");
	TEST_ASSERT_SUCCESS(sync_wait("vf", vf_name, sizeof(vf_name)),
		"no VF was created");
	vf = vf_name;
	printf("VF %s of PF %s\n", vf, pf);

	none = bind_vf(NULL);
	bad = bind_vf(wrong);
	good = bind_vf(token);
	printf("VF bind without a token: %s; with another token: %s; with the PF's: %s\n",
		result(none), result(bad), result(good));
	if (checked) {
		TEST_ASSERT_EQUAL(none, -EACCES, "bound without the token");
		TEST_ASSERT_EQUAL(bad, -EACCES, "bound with another token");
		TEST_ASSERT_EQUAL(good, 0, "refused with the right token");
	} else {
		TEST_ASSERT_EQUAL(none, 0, "a 6.12 kernel checks tokens?");
		TEST_ASSERT_EQUAL(bad, -EINVAL, "the token flag was taken");
		TEST_ASSERT_EQUAL(good, -EINVAL, "the token flag was taken");
	}
	return TEST_SUCCESS;
}

/* DPDK's own probe of the VF, with --vfio-vf-token: done where the
 * kernel checks tokens, refused (and not bound without the token) where
 * it cannot.
 */
static int
test_vf_probe(void)
{
	int ret;

	TEST_ASSERT_NOT_NULL(vf, "no VF");
	ret = rte_dev_probe(vf);
	printf("probe of the VF with --vfio-vf-token: %s\n",
		ret == 0 ? "done" : "refused");
	if (checked)
		TEST_ASSERT_SUCCESS(ret, "the VF was not set up with its token");
	else
		TEST_ASSERT_FAIL(ret, "the VF was bound without its token");
	if (ret == 0)
		TEST_ASSERT_SUCCESS(rte_eal_hotplug_remove("pci", vf),
			"remove the VF");

	TEST_ASSERT_SUCCESS(sync_signal("holding"), "cannot signal holding");
	TEST_ASSERT_SUCCESS(sync_wait("release", NULL, 0),
		"not released");
	TEST_ASSERT_SUCCESS(rte_eal_hotplug_remove("pci", pf), "remove the PF");
	return TEST_SUCCESS;
}

/* Another process, with or without --vfio-vf-token: probe the VF. */
static int
test_vf_probe_other(void)
{
	int ret = rte_dev_probe(vf);

	printf("probe of the VF from another process: %s\n",
		ret == 0 ? "done" : "refused");
	if (ret == 0)
		rte_eal_hotplug_remove("pci", vf);
	return TEST_SUCCESS;
}

static struct unit_test_suite vf_token_suite = {
	.suite_name = "VF tokens in cdev mode",
	.setup = owner_setup,
	.teardown = token_teardown,
	.unit_test_cases = {
		TEST_CASE(test_bind_argument),
		TEST_CASE(test_vf_binds),
		TEST_CASE(test_vf_probe),
		TEST_CASES_END()
	}
};

static struct unit_test_suite vf_probe_suite = {
	.suite_name = "VF probe",
	.setup = token_setup,
	.teardown = token_teardown,
	.unit_test_cases = {
		TEST_CASE(test_vf_probe_other),
		TEST_CASES_END()
	}
};

static int
test_vfio_cdev_vf_token(void)
{
	return unit_test_suite_runner(&vf_token_suite);
}

static int
test_vfio_cdev_vf_probe(void)
{
	return unit_test_suite_runner(&vf_probe_suite);
}

REGISTER_TEST_COMMAND(vfio_cdev_vf_token_autotest, test_vfio_cdev_vf_token);
REGISTER_TEST_COMMAND(vfio_cdev_vf_probe_autotest, test_vfio_cdev_vf_probe);
