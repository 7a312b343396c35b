// SPDX-License-Identifier: GPL-2.0
/*
 * The hunt's workloads (lab/hunt.sh): make new kernel mappings on one hart
 * and use them on the others, for SECONDS, while a thread pinned to every
 * online CPU keeps calling into the kernel. The kernel, not this program,
 * is what is judged (the model's faults and the console); this program
 * fails only when its workload could not run.
 *
 *   hunt modload SECONDS MODULE.ko  load and unload MODULE.ko, from one CPU
 *                                   after the other; the workers read its
 *                                   debugfs results file (module text on
 *                                   every hart)
 *   hunt kprobe SECONDS             add, enable and remove a kprobe event on
 *                                   getppid (text patching, an out-of-line
 *                                   single-step slot); the workers call it
 *   hunt bpf SECONDS                load a BPF program (JIT-compiled) and
 *                                   attach it to that kprobe, then close
 *                                   it; the workers run it on every CPU
 *   hunt kvm SECONDS                a virtual machine of one vCPU a worker,
 *                                   made and destroyed again and again; the
 *                                   guest stores to MMIO in a loop (a world
 *                                   switch every store); the vCPU threads
 *                                   move from CPU to CPU
 *
 * Exits 0 when the workload ran, 4 (skip) when the kernel lacks it, 1 when
 * it failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/kvm.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ktap.h"

#define KSFT_SKIP	4
#define MAX_CPUS	128
#define TRACEFS		"/sys/kernel/tracing"
#define MODULE_NAME	"vmalloc_fence_test"
#define MODULE_RESULTS	"/sys/kernel/debug/riscv_vmalloc_fence/results"
#define PROBE_GROUP	"lab_hunt"
#define PROBE_NAME	"getppid"

static const char *mode;
static double seconds;
static int ncpus;
static atomic_int stop;
static atomic_int unloading;	/* modload: the workers leave the module alone */
static atomic_long calls;	/* kernel calls of the workers that did their work */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % ncpus, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static __attribute__((noreturn)) void finish(int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("%s %d hunt-%s # ", rc == 0 || rc == KSFT_SKIP ? "ok" : "not ok", 1, mode);
	if (rc == KSFT_SKIP)
		printf("SKIP ");
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(rc);
}

/* Write VAL to PATH; errno is kept on failure. */
static int write_file(const char *path, const char *val, int flags)
{
	int fd = open(path, O_WRONLY | flags);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* The workers: one thread pinned to each CPU, calling into the kernel. */
static void *worker(void *arg)
{
	char buf[256];
	int fd;

	pin((int)(intptr_t)arg);
	while (!atomic_load(&stop)) {
		if (!strcmp(mode, "modload")) {
			if (atomic_load(&unloading)) {
				usleep(1000);
				continue;
			}
			fd = open(MODULE_RESULTS, O_RDONLY);
			if (fd < 0)
				continue;
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			close(fd);
		} else {
			syscall(__NR_getppid);
		}
		atomic_fetch_add(&calls, 1);
	}
	return NULL;
}

static void start_workers(pthread_t *t, int n, void *(*fn)(void *))
{
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, fn, (void *)(intptr_t)i))
			finish(1, "pthread_create: %s", strerror(errno));
}

static void stop_workers(pthread_t *t, int n)
{
	atomic_store(&stop, 1);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

static long modload(const char *path)
{
	long rounds = 0;
	int fd;

	for (; now() < seconds; rounds++) {
		pin(rounds);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			finish(1, "%s: %s", path, strerror(errno));
		if (syscall(__NR_finit_module, fd, "", 0))
			finish(errno == ENOSYS ? KSFT_SKIP : 1, "loading %s: %s", path, strerror(errno));
		close(fd);
		usleep(20000);
		/* A worker's open file holds the module: wait for them. */
		atomic_store(&unloading, 1);
		for (int tries = 0; syscall(__NR_delete_module, MODULE_NAME, O_NONBLOCK); tries++) {
			if (errno != EAGAIN || tries == 1000)
				finish(1, "unloading %s: %s", MODULE_NAME, strerror(errno));
			usleep(10000);
		}
		atomic_store(&unloading, 0);
	}
	return rounds;
}

static int probe_add(void)
{
	char def[128];

	snprintf(def, sizeof(def), "p:%s/%s __riscv_sys_getppid\n", PROBE_GROUP, PROBE_NAME);
	return write_file(TRACEFS "/kprobe_events", def, O_APPEND);
}

static void probe_del(void)
{
	write_file(TRACEFS "/kprobe_events", "-:" PROBE_GROUP "/" PROBE_NAME "\n", O_APPEND);
}

static void tracefs(void)
{
	if (access(TRACEFS "/kprobe_events", F_OK))
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	if (access(TRACEFS "/kprobe_events", F_OK))
		finish(KSFT_SKIP, "no %s/kprobe_events (CONFIG_KPROBE_EVENTS)", TRACEFS);
	probe_del();
	if (probe_add())
		finish(1, "adding the kprobe on __riscv_sys_getppid: %s", strerror(errno));
	probe_del();
}

static long kprobe(void)
{
	const char *en = TRACEFS "/events/" PROBE_GROUP "/" PROBE_NAME "/enable";
	long rounds = 0;

	for (; now() < seconds; rounds++) {
		pin(rounds);
		if (probe_add() || write_file(en, "1", 0))
			finish(1, "adding and enabling the kprobe: %s", strerror(errno));
		usleep(50000);
		if (write_file(en, "0", 0))
			finish(1, "disabling the kprobe: %s", strerror(errno));
		probe_del();
	}
	return rounds;
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* A BPF program for the kprobe: counts its runs in a map, returns 0. */
static int bpf_prog(int map)
{
	struct bpf_insn insn[] = {
		/* *(u32 *)(fp - 4) = 0; r2 = fp - 4; r1 = map; r0 = lookup() */
		{ .code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = BPF_REG_10, .off = -4, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_2, .imm = -4 },
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1, .src_reg = BPF_PSEUDO_MAP_FD,
		  .imm = map },
		{ 0 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_map_lookup_elem },
		/* if (r0) __sync_fetch_and_add((u64 *)r0, 1) */
		{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = BPF_REG_0, .off = 2, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 1 },
		{ .code = BPF_STX | BPF_ATOMIC | BPF_DW, .dst_reg = BPF_REG_0, .src_reg = BPF_REG_1,
		  .imm = BPF_ADD },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static char log[65536];
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_KPROBE;
	a.insns = (uintptr_t)insn;
	a.insn_cnt = sizeof(insn) / sizeof(insn[0]);
	a.license = (uintptr_t)"GPL";
	a.log_buf = (uintptr_t)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd < 0)
		finish(errno == ENOSYS ? KSFT_SKIP : 1, "BPF_PROG_LOAD: %s: %.200s", strerror(errno), log);
	return fd;
}

static long bpf(long *runs)
{
	char path[256], id[32] = "";
	uint64_t count;
	uint32_t key = 0;
	union bpf_attr a;
	long rounds = 0;
	int map, prog, fd, pfd;

	if (probe_add())
		finish(1, "adding the kprobe: %s", strerror(errno));
	snprintf(path, sizeof(path), TRACEFS "/events/%s/%s/id", PROBE_GROUP, PROBE_NAME);
	fd = open(path, O_RDONLY);
	if (fd < 0 || read(fd, id, sizeof(id) - 1) <= 0)
		finish(1, "%s: %s", path, strerror(errno));
	close(fd);
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 1;
	map = sys_bpf(BPF_MAP_CREATE, &a);
	if (map < 0)
		finish(errno == ENOSYS ? KSFT_SKIP : 1, "BPF_MAP_CREATE: %s", strerror(errno));
	for (; now() < seconds; rounds++) {
		pin(rounds);
		prog = bpf_prog(map);
		/*
		 * One perf event is enough: the program goes into the kprobe
		 * event's own array, which runs wherever the kprobe hits (a
		 * second event with the same program is refused, EEXIST).
		 */
		struct perf_event_attr pa = {
			.type = PERF_TYPE_TRACEPOINT, .size = sizeof(pa), .config = atoll(id),
			.sample_period = 1, .wakeup_events = 1,
		};

		pfd = syscall(__NR_perf_event_open, &pa, -1, (int)(rounds % ncpus), -1, PERF_FLAG_FD_CLOEXEC);
		if (pfd < 0 || ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog) || ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0))
			finish(1, "attaching the program: %s", strerror(errno));
		usleep(50000);
		close(pfd);
		close(prog);
	}
	memset(&a, 0, sizeof(a));
	a.map_fd = map;
	a.key = (uintptr_t)&key;
	a.value = (uintptr_t)&count;
	*runs = sys_bpf(BPF_MAP_LOOKUP_ELEM, &a) ? -1 : (long)count;
	close(map);
	probe_del();
	return rounds;
}

/* The guest: t0 = 0x10000000 (no memory there: MMIO); store, t1++, again. */
static const uint32_t guest_code[] = {
	0x100002b7,	/* lui  t0, 0x10000 */
	0x00000313,	/* li   t1, 0 */
	0x0062a023,	/* 1: sw t1, 0(t0) */
	0x00130313,	/* addi t1, t1, 1 */
	0xff9ff06f,	/* j    1b */
};

#define GUEST_BASE	0x80000000UL
#define GUEST_SIZE	0x10000UL
#define KVM_EXITS	200

static int kvm_fd;
static atomic_long vms, exits;

static void *kvm_vcpu(void *arg)
{
	int cpu = (int)(intptr_t)arg, vm, vcpu, runsz;
	struct kvm_userspace_memory_region r;
	struct kvm_one_reg reg;
	struct kvm_run *run;
	uint64_t pc = GUEST_BASE;
	void *mem;

	runsz = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	while (!atomic_load(&stop)) {
		pin(cpu++);
		vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
		if (vm < 0)
			finish(1, "KVM_CREATE_VM: %s", strerror(errno));
		mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			finish(1, "mmap of guest memory: %s", strerror(errno));
		memcpy(mem, guest_code, sizeof(guest_code));
		r = (struct kvm_userspace_memory_region){
			.slot = 0, .guest_phys_addr = GUEST_BASE, .memory_size = GUEST_SIZE,
			.userspace_addr = (uintptr_t)mem,
		};
		if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r))
			finish(1, "KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
		vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
		if (vcpu < 0)
			finish(1, "KVM_CREATE_VCPU: %s", strerror(errno));
		run = mmap(NULL, runsz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
		if (run == MAP_FAILED)
			finish(1, "mmap of kvm_run: %s", strerror(errno));
		reg.id = KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_CORE |
			 KVM_REG_RISCV_CORE_REG(regs.pc);
		reg.addr = (uintptr_t)&pc;
		if (ioctl(vcpu, KVM_SET_ONE_REG, &reg))
			finish(1, "KVM_SET_ONE_REG (pc): %s", strerror(errno));
		for (int i = 0; i < KVM_EXITS && !atomic_load(&stop); i++) {
			/* Move to the next CPU now and then, vCPU and all. */
			if (i % 50 == 49)
				pin(cpu++);
			if (ioctl(vcpu, KVM_RUN, 0))
				finish(1, "KVM_RUN: %s", strerror(errno));
			if (run->exit_reason != KVM_EXIT_MMIO || !run->mmio.is_write ||
			    run->mmio.phys_addr != 0x10000000)
				finish(1, "KVM_RUN: exit %u (phys 0x%llx), not the guest's MMIO store", run->exit_reason,
				       (unsigned long long)run->mmio.phys_addr);
			atomic_fetch_add(&exits, 1);
		}
		munmap(run, runsz);
		close(vcpu);
		close(vm);
		munmap(mem, GUEST_SIZE);
		atomic_fetch_add(&vms, 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[MAX_CPUS];
	long rounds = 0, runs = 0;

	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	if (argc < 3 || (strcmp(argv[1], "modload") && strcmp(argv[1], "kprobe") && strcmp(argv[1], "bpf") &&
			 strcmp(argv[1], "kvm")) || (!strcmp(argv[1], "modload") && argc != 4)) {
		fprintf(stderr, "usage: hunt modload|kprobe|bpf|kvm SECONDS [MODULE.ko]\n");
		return 2;
	}
	mode = argv[1];
	ktap_header(1);
	setvbuf(stdout, NULL, _IOLBF, 0);
	seconds = now() + atof(argv[2]);
	if (!strcmp(mode, "kvm")) {
		kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
		if (kvm_fd < 0)
			finish(KSFT_SKIP, "/dev/kvm: %s", strerror(errno));
		start_workers(t, ncpus, kvm_vcpu);
		while (now() < seconds)
			usleep(100000);
		stop_workers(t, ncpus);
		finish(atomic_load(&vms) ? 0 : 1, "%ld virtual machines, %ld MMIO exits, %d vCPU threads",
		       atomic_load(&vms), atomic_load(&exits), ncpus);
	}
	if (!strcmp(mode, "kprobe") || !strcmp(mode, "bpf"))
		tracefs();
	if (!strcmp(mode, "modload") && access("/sys/kernel/debug/", F_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	start_workers(t, ncpus, worker);
	if (!strcmp(mode, "modload"))
		rounds = modload(argv[3]);
	else if (!strcmp(mode, "kprobe"))
		rounds = kprobe();
	else
		rounds = bpf(&runs);
	stop_workers(t, ncpus);
	if (!strcmp(mode, "bpf"))
		finish(runs > 0 ? 0 : 1, "%ld programs loaded and attached, run %ld times; %ld calls from %d CPUs",
		       rounds, runs, atomic_load(&calls), ncpus);
	finish(rounds && atomic_load(&calls) ? 0 : 1, "%ld rounds, %ld calls from %d CPUs", rounds,
	       atomic_load(&calls), ncpus);
}
