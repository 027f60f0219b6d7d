#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The main job: dpdk-testpmd in VFIO cdev mode. Builds first (setup
# included). On a machine without iommufd it stops with the message that
# says what is missing.
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$REPO_DIR/scripts/build.sh"
exec "$BUILD_DIR/meson/app/dpdk-testpmd" --vfio-mode=cdev -- --stats-period=1 "$@"
