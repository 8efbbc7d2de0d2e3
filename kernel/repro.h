/*
 * Runtime of the C reproducers that `hmm-check reproduce` generates from a counterexample.
 * The generated file holds the trace's schedule (which thread issues which operation, in which
 * phase); this file holds the operations (dmirror ioctls, madvise, CPU accesses), the phase
 * barriers, the jitter of racing phases, the expected-contents checks and the kernel-log watch.
 *
 * A page's contents are one 64-bit word repeated: V_INIT (written by the CPU when the round
 * starts), the value of a write op, or 0. Every round uses new values, so a stale page from an
 * earlier round never reads back as a legal value.
 *
 * Output (one line each, parsed by the host): "@@REPRO <key> <text>".
 */
#define _GNU_SOURCE
#pragma GCC diagnostic ignored "-Wunused-function"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "dmirror-uapi.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#define PAGE 4096UL
/* open files of /dev/hmm_dmirror*: one per device, or the trace's list (cli/reproduce/plan.ts MAX_FDS) */
#define MAX_FDS 8

static unsigned long round_no;
static char *region;
/* indexed by the `dev` argument of the operations: device d's file, or the trace's open file d */
static int dev_fd[MAX_FDS];
static pthread_barrier_t phase_barrier;
static volatile int stop_all;
static volatile int failed; /* set once: the round found what the trace predicts */
static char failure[512];
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static int kmsg_fd = -1;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void emit(const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("@@REPRO %s ", key);
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
}

static void fail(const char *fmt, ...)
{
	va_list ap;
	pthread_mutex_lock(&report_lock);
	if (!failed) {
		va_start(ap, fmt);
		vsnprintf(failure, sizeof(failure), fmt, ap);
		va_end(ap);
		failed = 1;
	}
	pthread_mutex_unlock(&report_lock);
}

/* ---- values ------------------------------------------------------------------------------ */
#define V_ZERO 0ULL
#define V_INIT ((uint64_t)round_no << 20 | 1)
#define V_WRITE(k) ((uint64_t)round_no << 20 | (uint64_t)(k) << 4 | 2)

static void fill(void *buf, uint64_t v)
{
	uint64_t *p = buf;
	for (unsigned long i = 0; i < PAGE / 8; i++)
		p[i] = v;
}

/* the page holds one legal value: returns it; a torn or stale page returns ~0 with the first word */
static uint64_t page_value(const void *buf, uint64_t *first)
{
	const uint64_t *p = buf;
	*first = p[0];
	for (unsigned long i = 1; i < PAGE / 8; i++)
		if (p[i] != p[0])
			return ~0ULL;
	return p[0];
}

static void expect_value(const char *what, int step, const void *buf, const uint64_t *legal, int n)
{
	uint64_t first, v = page_value(buf, &first);
	for (int i = 0; i < n; i++)
		if (v == legal[i])
			return;
	char list[200] = "";
	for (int i = 0; i < n && strlen(list) < 150; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%#llx", i ? ", " : "", (unsigned long long)legal[i]);
	fail("data: %s (step %d) read %#llx%s in round %lu; legal: {%s}", what, step, (unsigned long long)first,
	     v == ~0ULL ? " (page not uniform)" : "", round_no, list);
}

/* ---- operations --------------------------------------------------------------------------- */
static void *page_addr(int page) { return region + (unsigned long)page * PAGE; }

static int dmirror_cmd(int dev, unsigned long request, int page, void *buf, struct hmm_dmirror_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->addr = (uintptr_t)page_addr(page);
	cmd->ptr = (uintptr_t)buf;
	cmd->npages = 1;
	for (;;) {
		int r = ioctl(dev_fd[dev], request, cmd);
		if (r == 0)
			return 0;
		if (errno != EINTR && errno != EBUSY)
			return -errno;
	}
}

/* an ioctl error the trace does not allow is a finding only when it is EFAULT (the WARN path) */
static void check_errno(const char *what, int step, int err)
{
	if (err == -EFAULT)
		fail("errno: %s (step %d) returned EFAULT in round %lu", what, step, round_no);
}

static void op_migrate_to_dev(int dev, int page, int step)
{
	static __thread char buf[PAGE];
	struct hmm_dmirror_cmd cmd;
	check_errno("HMM_DMIRROR_MIGRATE_TO_DEV", step, dmirror_cmd(dev, HMM_DMIRROR_MIGRATE_TO_DEV, page, buf, &cmd));
}

static void op_device_read(int dev, int page, int step, const uint64_t *legal, int n)
{
	static __thread char buf[PAGE];
	struct hmm_dmirror_cmd cmd;
	int err = dmirror_cmd(dev, HMM_DMIRROR_READ, page, buf, &cmd);
	char what[64];
	/* which file read it: with one device opened twice, a stale entry shows through one file only */
	snprintf(what, sizeof(what), "HMM_DMIRROR_READ on file %d (faults %llu)", dev, (unsigned long long)cmd.faults);
	if (err == 0)
		expect_value(what, step, buf, legal, n);
	else
		check_errno("HMM_DMIRROR_READ", step, err);
}

static void op_device_write(int dev, int page, int step, uint64_t v)
{
	static __thread char buf[PAGE];
	struct hmm_dmirror_cmd cmd;
	fill(buf, v);
	check_errno("HMM_DMIRROR_WRITE", step, dmirror_cmd(dev, HMM_DMIRROR_WRITE, page, buf, &cmd));
}

static void op_madvise(int page, int advice, const char *name, int step)
{
	if (madvise(page_addr(page), PAGE, advice) && errno != EINVAL)
		fail("errno: madvise(%s) (step %d): %s", name, step, strerror(errno));
}

static void op_cpu_read(int page, int step, const uint64_t *legal, int n)
{
	expect_value("CPU read", step, page_addr(page), legal, n);
}

static void op_cpu_write(int page, uint64_t v) { fill(page_addr(page), v); }

/* CPU protection of the page as dmirror's snapshot reports it (no fault is taken) */
static int snapshot(int dev, int page)
{
	unsigned char prot[8] = {0};
	struct hmm_dmirror_cmd cmd;
	if (dmirror_cmd(dev, HMM_DMIRROR_SNAPSHOT, page, prot, &cmd))
		return -1;
	return prot[0];
}

/*
 * The final write through the mirror. A device write that needs no fault while the CPU side holds
 * the page read-only (snapshot: device-private without WRITE) is a write the CPU no longer grants.
 */
static void op_final_device_write(int dev, int page, uint64_t v)
{
	static __thread char buf[PAGE];
	struct hmm_dmirror_cmd cmd;
	int prot = snapshot(dev, page);
	fill(buf, v);
	int err = dmirror_cmd(dev, HMM_DMIRROR_WRITE, page, buf, &cmd);
	if (err == 0 && cmd.faults == 0 && prot >= 0 && prot != 0xFF && (prot & 0xF0) && !(prot & HMM_DMIRROR_PROT_WRITE))
		fail("permission: HMM_DMIRROR_WRITE wrote without a fault while the CPU entry was read-only (snapshot %#x) in round %lu", prot, round_no);
	else
		check_errno("final HMM_DMIRROR_WRITE", 0, err);
}

static void write_file(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, v, strlen(v)) < 0) { /* knob absent on this kernel: the default applies */ }
		close(fd);
	}
}

/*
 * NUMA balancing's scan (task_numa_work) runs on a task's return to user space once its mm is
 * due; user space cannot call it. Approximation: enable it with the shortest periods and spin
 * in user space until the snapshot shows the page's protection changed, or budget_ms pass.
 */
static void numa_enable(void)
{
	write_file("/proc/sys/kernel/numa_balancing", "1");
	write_file("/sys/kernel/debug/sched/numa_balancing/scan_delay_ms", "0");
	write_file("/sys/kernel/debug/sched/numa_balancing/scan_period_min_ms", "1");
	write_file("/sys/kernel/debug/sched/numa_balancing/scan_period_max_ms", "10");
}

/* the scan write-protects what it passes: a present PTE becomes protnone, a device-private entry read-only */
static int scanned(int prot)
{
	return prot >= 0 && prot != 0xFF && !(prot & HMM_DMIRROR_PROT_WRITE);
}

static int op_numa_scan(int dev, int page, unsigned budget_ms)
{
	uint64_t end = now_ns() + (uint64_t)budget_ms * 1000000ULL;
	volatile unsigned long spin = 0;
	while (now_ns() < end && !stop_all) {
		for (int i = 0; i < 100000; i++)
			spin++;
		if (scanned(snapshot(dev, page)))
			return 1;
	}
	return 0;
}

/* ---- phases, jitter ------------------------------------------------------------------------ */
static void phase_wait(void) { pthread_barrier_wait(&phase_barrier); }

/* per racing thread: a random delay up to the longest op measured so far in that phase */
static uint64_t longest_op_ns[64];

static void jitter(int phase)
{
	uint64_t span = longest_op_ns[phase] ? longest_op_ns[phase] : 20000;
	uint64_t end = now_ns() + (uint64_t)(rand() % 1000) * span / 1000;
	while (now_ns() < end)
		;
}

static void note_duration(int phase, uint64_t t0)
{
	uint64_t d = now_ns() - t0;
	if (d > longest_op_ns[phase])
		longest_op_ns[phase] = d;
}

/* ---- kernel log ------------------------------------------------------------------------------ */
static void kmsg_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
}

/* returns 1 when the kernel logged a KASAN report, a WARN, a BUG or an oops since the last call */
static int kmsg_scan(void)
{
	char rec[2048];
	int found = 0;
	if (kmsg_fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EPIPE)
				continue;
			break;
		}
		rec[n] = 0;
		char *msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if (strstr(msg, "BUG: KASAN") || strncmp(msg, "WARNING:", 8) == 0 || strncmp(msg, "BUG:", 4) == 0 ||
		    strstr(msg, "general protection fault") || strstr(msg, "Oops")) {
			if (!found) {
				char *nl = strchr(msg, '\n');
				if (nl)
					*nl = 0;
				fail("kernel: %s", msg);
			}
			found = 1;
		}
	}
	return found;
}

/* ---- rounds ----------------------------------------------------------------------------------- */
static void round_setup(int npages)
{
	region = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED) {
		emit("error", "mmap: %s", strerror(errno));
		exit(3);
	}
	madvise(region, npages * PAGE, MADV_NOHUGEPAGE);
	for (int p = 0; p < npages; p++)
		op_cpu_write(p, V_INIT);
}

static void round_teardown(int npages) { munmap(region, npages * PAGE); }

static void open_devices(int ndev)
{
	for (int d = 0; d < ndev; d++) {
		char path[64];
		snprintf(path, sizeof(path), "/dev/hmm_dmirror%d", d);
		dev_fd[d] = open(path, O_RDWR);
		if (dev_fd[d] < 0) {
			emit("error", "open %s: %s (is CONFIG_TEST_HMM=y in this kernel?)", path, strerror(errno));
			exit(3);
		}
	}
}

/*
 * One open() per file of the trace, in its order: fd_device[i] is the device file i opens. The
 * same device may appear more than once; each open() gets its own struct dmirror in the driver.
 */
static void open_fds(int nfds, const int *fd_device)
{
	for (int f = 0; f < nfds; f++) {
		char path[64];
		snprintf(path, sizeof(path), "/dev/hmm_dmirror%d", fd_device[f]);
		dev_fd[f] = open(path, O_RDWR);
		if (dev_fd[f] < 0) {
			emit("error", "open %s (file %d): %s (is CONFIG_TEST_HMM=y in this kernel?)", path, f, strerror(errno));
			exit(3);
		}
	}
}

static void pin_to_cpu(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu % 2, &set);
	sched_setaffinity(0, sizeof(set), &set);
}
