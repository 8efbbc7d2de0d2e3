/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The ioctl ABI of lib/test_hmm.c (lib/test_hmm_uapi.h, unchanged from 5.x to 6.x): the subset
 * the reproducers use, so that they also compile where no kernel tree is unpacked.
 * test/kernel checks it against the tree's header when one is cached.
 */
#ifndef HMM_CHECK_DMIRROR_UAPI_H
#define HMM_CHECK_DMIRROR_UAPI_H
#include <linux/types.h>
#include <linux/ioctl.h>

struct hmm_dmirror_cmd {
	__u64 addr;
	__u64 ptr;
	__u64 npages;
	__u64 cpages;
	__u64 faults;
};

#define HMM_DMIRROR_READ		_IOWR('H', 0x00, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_WRITE		_IOWR('H', 0x01, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_DEV	_IOWR('H', 0x02, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_SYS	_IOWR('H', 0x03, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_SNAPSHOT		_IOWR('H', 0x04, struct hmm_dmirror_cmd)

#define HMM_DMIRROR_PROT_WRITE			0x02
#define HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL	0x20
#endif
