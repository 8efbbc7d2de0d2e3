/*
 * FINDINGS F8 on a real kernel: one process opens /dev/hmm_dmirror0 twice (fd A, fd B).
 * B READs the page (B's device PT maps the system page), A MIGRATE_TO_DEVs it (the MIGRATE
 * invalidation's owner is the device, so dmirror_interval_invalidate returns early for B too),
 * then B READs again: B's stale entry names the freed system page.
 * Usage: f8-two-fds [ROUNDS] [noreuse]. By default fresh memory is filled with 0xee between the
 * migration and the second READ, so the freed page is likely reused (the READ returns 0xee);
 * with "noreuse" it stays free and KASAN reports the READ's memcpy. Each round is sequential, one
 * thread. model/hmm/FINDINGS.md F8 says how it was run under the project's QEMU harness.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "dmirror-uapi.h"

#define PAGE 4096

static int dmirror(int fd, unsigned long req, void *addr, void *buf, struct hmm_dmirror_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->addr = (uintptr_t)addr;
	cmd->ptr = (uintptr_t)buf;
	cmd->npages = 1;
	for (;;) {
		if (ioctl(fd, req, cmd) == 0)
			return 0;
		if (errno != EINTR && errno != EBUSY)
			return -errno;
	}
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	int reuse = !(argc > 2 && strcmp(argv[2], "noreuse") == 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	int a = open("/dev/hmm_dmirror0", O_RDWR), b = open("/dev/hmm_dmirror0", O_RDWR);
	if (a < 0 || b < 0) {
		printf("@@REPRO error open: %s\n", strerror(errno));
		return 3;
	}
	static unsigned char buf[PAGE], mig[PAGE];
	int stale = 0;
	for (int r = 1; r <= rounds && !stale; r++) {
		unsigned char pat = (unsigned char)(0x10 + r);
		unsigned char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		madvise(p, PAGE, MADV_NOHUGEPAGE);
		memset(p, pat, PAGE);
		struct hmm_dmirror_cmd c1, c2, c3;
		int r1 = dmirror(b, HMM_DMIRROR_READ, p, buf, &c1);
		int r2 = dmirror(a, HMM_DMIRROR_MIGRATE_TO_DEV, p, mig, &c2);
		/* reuse freed pages: fill fresh memory with another pattern */
		unsigned char *q = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (reuse)
			memset(q, 0xEE, 64 * PAGE);
		memset(buf, 0, PAGE);
		int r3 = dmirror(b, HMM_DMIRROR_READ, p, buf, &c3);
		int bad = 0;
		for (int i = 0; i < PAGE; i++)
			if (buf[i] != pat)
				bad++;
		printf("@@REPRO round %d read(B)=%d faults=%llu migrate(A)=%d cpages=%llu read(B)=%d faults=%llu first=%#x mismatched=%d\n",
		       r, r1, (unsigned long long)c1.faults, r2, (unsigned long long)c2.cpages, r3, (unsigned long long)c3.faults,
		       buf[0], bad);
		if (r3 == 0 && c3.faults == 0)
			stale = 1; /* B served the read from its old entry: no fault, no -ENOENT */
		if (bad)
			stale = 2;
		munmap(q, 64 * PAGE);
		munmap(p, PAGE);
	}
	printf("@@REPRO result %s\n", stale == 2 ? "reproduced wrong-data" : stale == 1 ? "reproduced stale-entry-used" : "not-reproduced");
	return 0;
}
