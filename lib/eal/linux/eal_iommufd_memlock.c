/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfio-cdev authors
 */

/*
 * Who pays for the memory iommufd pins. Each mapping's pages are charged
 * to RLIMIT_MEMLOCK: by default to the user's, shared by all of that
 * user's processes; to the process's own if whoever opened the iommufd
 * set IOMMU_OPTION_RLIMIT_MODE (a privileged launcher can, the process
 * itself usually cannot); to nobody if the process has CAP_IPC_LOCK.
 * Read once when the IOAS is set up, said at start, in telemetry and in
 * the message of a mapping refused for lack of it.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include <rte_common.h>
#include <rte_log.h>

#include "eal_iommufd.h"

static enum eal_iommufd_accounting accounting = EAL_IOMMUFD_PER_USER;

static const char * const accounting_names[] = {
	[EAL_IOMMUFD_PER_USER] = "user",
	[EAL_IOMMUFD_PER_PROCESS] = "process",
	[EAL_IOMMUFD_UNCHARGED] = "none",
};

/* What a charge applies to, for messages. */
static const char * const accounting_said[] = {
	[EAL_IOMMUFD_PER_USER] = "charged to the user's RLIMIT_MEMLOCK, shared by all its processes",
	[EAL_IOMMUFD_PER_PROCESS] = "charged to this process's RLIMIT_MEMLOCK",
	[EAL_IOMMUFD_UNCHARGED] = "not charged (CAP_IPC_LOCK)",
};

static bool
has_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return data[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &
		CAP_TO_MASK(CAP_IPC_LOCK);
}

void
eal_iommufd_accounting_read(int fd)
{
	struct iommu_option opt = {
		.size = sizeof(opt),
		.option_id = IOMMU_OPTION_RLIMIT_MODE,
		.op = IOMMU_OPTION_OP_GET,
	};
	uint64_t bytes = eal_iommufd_memlock_limit();
	char limit[32] = "unlimited";

	if (has_ipc_lock())
		accounting = EAL_IOMMUFD_UNCHARGED;
	else if (ioctl(fd, IOMMU_OPTION, &opt) == 0 && opt.val64 == 1)
		accounting = EAL_IOMMUFD_PER_PROCESS;
	else
		accounting = EAL_IOMMUFD_PER_USER;
	if (bytes != UINT64_MAX)
		snprintf(limit, sizeof(limit), "%" PRIu64 " KiB", bytes >> 10);
	RTE_LOG(INFO, EAL, "VFIO cdev mode: pinned memory %s (limit %s)\n",
		accounting_said[accounting],
		accounting == EAL_IOMMUFD_UNCHARGED ? "none" : limit);
}

enum eal_iommufd_accounting
eal_iommufd_accounting(void)
{
	return accounting;
}

const char *
eal_iommufd_accounting_name(enum eal_iommufd_accounting a)
{
	if ((unsigned int)a >= RTE_DIM(accounting_names))
		return "unknown";
	return accounting_names[a];
}

uint64_t
eal_iommufd_memlock_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return UINT64_MAX;
	return rl.rlim_cur;
}

uint64_t
eal_iommufd_pinned_bytes(void)
{
	char line[128];
	uint64_t kib = 0;
	FILE *f;

	/* the kernel's count of this process's pinned pages */
	f = fopen("/proc/self/status", "re");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "VmPin: %" SCNu64 " kB", &kib) == 1)
			break;
	}
	fclose(f);
	return kib << 10;
}

/*
 * A map refused with ENOMEM: what the charge needs and what to raise.
 * Said once, sized from the table (mapped): no memory walk, which may
 * run under the memory lock.
 */
void
eal_iommufd_memlock_log(uint64_t mapped, uint64_t len)
{
	static bool said;
	uint64_t limit = eal_iommufd_memlock_limit();

	if (said || limit == UINT64_MAX ||
			accounting == EAL_IOMMUFD_UNCHARGED)
		return;
	said = true;
	RTE_LOG(ERR, EAL, "VFIO cdev mode: pinning needs %" PRIu64 " KiB of RLIMIT_MEMLOCK (%" PRIu64 " KiB limit, %s): %s\n",
		(mapped + len) >> 10, limit >> 10, accounting_said[accounting],
		accounting == EAL_IOMMUFD_PER_USER ?
		"raise it (ulimit -l, LimitMEMLOCK=), or have the iommufd's opener set per-process accounting" :
		"raise it (ulimit -l, LimitMEMLOCK=, or the memlock limit the launcher sets)");
}
