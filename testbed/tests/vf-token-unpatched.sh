#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# testbed: --sriov --variant unpatched
# vf-token.sh on the kernel without kernel/patches (Linux 6.12 as it
# is): a VF binds without the token its PF's owner set.
exec "$(dirname "$0")/vf-token.sh" unchecked
