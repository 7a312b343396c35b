// SPDX-License-Identifier: GPL-2.0
/*
 * Stress module for the lazy fencing of new kernel mappings on RISC-V: the
 * lab's, not the series' (the series' selftest is the stressor alone). It
 * builds against any tree the lab boots, with or without the series
 * (lab/kselftest.sh), and guest/vmalloc_fence_run drives it.
 *
 * A new vmalloc mapping is not fenced on every hart: a hart fences
 * (sfence.vma) when it takes a spurious fault on such a mapping, or when
 * it switches tasks. This module makes new mappings and new kernel stacks
 * from every online CPU at once, and uses them from every CPU:
 *
 *  1. a new mapping is readable and writable from every CPU at once,
 *     right after it is made;
 *  2. under stress (vmalloc, vmap and short-lived kthreads, whose stacks
 *     are new mappings too, on every CPU at once) every mapping and every
 *     stack keeps what was written to it.
 *
 * It uses no private symbol: the bitmap of CPUs with a pending fence is
 * tested by KUnit (CONFIG_RISCV_NEW_MAPPING_KUNIT).
 *
 * Plain QEMU does not cache invalid translations, so there both tests pass
 * on kernels without the fixes too. On a hart that does (real cores;
 * QEMU's experimental x-stale-tlb CPU property) they are regression tests.
 *
 * The interface is in debugfs, in riscv_vmalloc_fence/:
 *   rounds       number of rounds of test 1 (default 100); they stop
 *                early when they have taken duration_ms
 *   duration_ms  length of test 2 (default 2000)
 *   run          write anything to run the tests; the write returns when
 *                they are done
 *   results      the KTAP report of the last run
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

/* How long a CPU waits, preemption disabled, for the others in a round. */
#define VFT_SPIN_TIMEOUT	(5 * HZ)
/* Short-lived kthreads a stress worker keeps alive at once. */
#define VFT_SPAWN_BATCH		4
#define VFT_RESULTS_SIZE	4096

enum {
	VFT_USABLE_EVERYWHERE,
	VFT_STRESS,
	VFT_NR_TESTS,
};

static const char * const vft_names[VFT_NR_TESTS] = {
	"new_mapping_usable_from_every_cpu",
	"stress_vmalloc_vmap_and_stacks",
};

static u32 vft_rounds = 100;
static u32 vft_duration_ms = 2000;
static DEFINE_MUTEX(vft_lock);
static char vft_results[VFT_RESULTS_SIZE];
static size_t vft_results_len;
static struct dentry *vft_dir;

struct vft_run {
	atomic_t fails[VFT_NR_TESTS];
	atomic_t aborted_rounds;
	atomic_long_t mappings;
	atomic_long_t kthreads;
	atomic_long_t alloc_failures;
};

/* One round of test 1: a kthread per online CPU. */
struct vft_round {
	struct vft_run *run;
	unsigned int nr_cpus;
	unsigned int leader;
	size_t size;
	atomic_t arrived[2];
	bool abort;
	unsigned long *map;
	/* Every kthread of the round is created before any spins. */
	struct completion go;
};

/* What a round's kthread gets: the round, and its own completion. */
struct vft_thread {
	struct vft_round *r;
	struct completion done;
};

/*
 * Wait, preemption disabled, until all CPUs of the round got here. What a
 * CPU wrote before is visible to all after.
 */
static bool vft_barrier(struct vft_round *r, atomic_t *arrived)
{
	unsigned long timeout = jiffies + VFT_SPIN_TIMEOUT;

	/* Pairs with the acquire below: what came before is seen after. */
	smp_mb__before_atomic();
	atomic_inc(arrived);
	while (atomic_read_acquire(arrived) < r->nr_cpus) {
		if (READ_ONCE(r->abort))
			return false;
		if (time_after(jiffies, timeout)) {
			WRITE_ONCE(r->abort, true);
			return false;
		}
		cpu_relax();
	}
	return true;
}

static void vft_fail(struct vft_run *run, int test, const char *what,
		     unsigned int cpu)
{
	if (atomic_inc_return(&run->fails[test]) <= 3)
		pr_err("%s: %s on CPU %u\n", vft_names[test], what, cpu);
}

static int vft_round_fn(void *data)
{
	struct vft_thread *t = data;
	struct vft_round *r = t->r;
	struct vft_run *run = r->run;
	unsigned int cpu = raw_smp_processor_id();
	bool leader = cpu == r->leader;
	size_t words = r->size / sizeof(unsigned long);
	unsigned long *map;
	unsigned long timeout;
	unsigned int i;

	wait_for_completion(&r->go);
	preempt_disable();
	if (!vft_barrier(r, &r->arrived[0]))
		goto out;

	if (leader) {
		preempt_enable();
		map = vmalloc(r->size);
		if (map) {
			atomic_long_inc(&run->mappings);
			for (i = 0; i < words; i++)
				map[i] = ~(unsigned long)i;
		} else {
			atomic_long_inc(&run->alloc_failures);
			WRITE_ONCE(r->abort, true);
		}
		preempt_disable();
		/* Pairs with the acquire below: the words are written. */
		smp_store_release(&r->map, map);
	} else {
		timeout = jiffies + VFT_SPIN_TIMEOUT;
		/* Pairs with the leader's release: its words are visible. */
		while (!(map = smp_load_acquire(&r->map))) {
			if (READ_ONCE(r->abort))
				goto out;
			if (time_after(jiffies, timeout)) {
				WRITE_ONCE(r->abort, true);
				goto out;
			}
			cpu_relax();
		}
	}
	if (!map)
		goto out;

	/* Every CPU reads the leader's words, writes its own. */
	for (i = cpu; i < words; i += nr_cpu_ids) {
		if (map[i] != ~(unsigned long)i)
			vft_fail(run, VFT_USABLE_EVERYWHERE, "read a wrong word", cpu);
		map[i] = cpu;
	}
	if (!vft_barrier(r, &r->arrived[1]))
		goto out;
	if (leader) {
		for (i = 0; i < words; i++) {
			if (map[i] == i % nr_cpu_ids)
				continue;
			/* Words of offline CPUs keep the leader's value. */
			if (!cpu_online(i % nr_cpu_ids) && map[i] == ~(unsigned long)i)
				continue;
			vft_fail(run, VFT_USABLE_EVERYWHERE, "a CPU's write was lost", cpu);
			break;
		}
	}
out:
	preempt_enable();
	kthread_complete_and_exit(&t->done, 0);
}

/* Runs at most @rounds rounds, for at most duration_ms; returns how many. */
static u32 vft_rounds_run(struct vft_run *run, u32 rounds, u32 duration_ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(duration_ms);
	struct vft_thread *threads;
	struct task_struct *task;
	struct vft_round *r;
	unsigned int cpu, n, k;
	u32 round = 0;

	threads = kcalloc(nr_cpu_ids, sizeof(*threads), GFP_KERNEL);
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!threads || !r)
		goto out;

	cpus_read_lock();
	for (round = 0; round < rounds && time_before(jiffies, end); round++) {
		memset(r, 0, sizeof(*r));
		init_completion(&r->go);
		r->run = run;
		r->nr_cpus = num_online_cpus();
		r->size = PAGE_SIZE * (1 + round % 4);
		k = round % r->nr_cpus;
		n = 0;
		for_each_online_cpu(cpu) {
			if (n++ == k)
				r->leader = cpu;
		}
		/* A CPU without its kthread aborts the round at the first barrier. */
		for_each_online_cpu(cpu) {
			threads[cpu].r = r;
			init_completion(&threads[cpu].done);
			task = kthread_create(vft_round_fn, &threads[cpu], "vft_round/%u", cpu);
			if (IS_ERR(task)) {
				atomic_long_inc(&run->alloc_failures);
				complete(&threads[cpu].done);
				continue;
			}
			kthread_bind(task, cpu);
			wake_up_process(task);
			atomic_long_inc(&run->kthreads);
		}
		complete_all(&r->go);
		for_each_online_cpu(cpu)
			wait_for_completion(&threads[cpu].done);
		if (r->abort)
			atomic_inc(&run->aborted_rounds);
		vfree(r->map);
	}
	cpus_read_unlock();
out:
	kfree(r);
	kfree(threads);
	return round;
}

/* Test 2: a worker per online CPU, for duration_ms. */
struct vft_worker {
	struct vft_run *run;
	unsigned long end;
	struct completion done;
};

struct vft_child {
	unsigned long *map;
	size_t words;
	unsigned long seed;
	int bad;
	struct completion done;
};

/* A short-lived kthread: its stack is a new mapping or a cached one. */
static int vft_child_fn(void *data)
{
	struct vft_child *c = data;
	unsigned long stack[128];
	unsigned int i;
	int bad = 0;

	for (i = 0; i < ARRAY_SIZE(stack); i++)
		stack[i] = c->seed + i;
	/* Keep the stores to the stack, and read it back below. */
	barrier_data(stack);
	for (i = 0; i < c->words; i++) {
		if (c->map[i] != (c->seed ^ i))
			bad = 1;
		c->map[i] = ~(c->seed ^ i);
	}
	for (i = 0; i < ARRAY_SIZE(stack); i++)
		if (stack[i] != c->seed + i)
			bad = 1;
	c->bad = bad;
	kthread_complete_and_exit(&c->done, 0);
}

static int vft_worker_fn(void *data)
{
	struct vft_worker *w = data;
	struct vft_run *run = w->run;
	struct vft_child child[VFT_SPAWN_BATCH];
	struct task_struct *task;
	bool started[VFT_SPAWN_BATCH];
	unsigned int cpu = raw_smp_processor_id();
	unsigned int i, j, target;
	struct page *pages[4] = { };
	unsigned long *v;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i])
			goto out;
	}

	target = cpu;
	while (time_before(jiffies, w->end)) {
		/* vmalloc'ed areas, checked and rewritten by kthreads elsewhere. */
		for (i = 0; i < VFT_SPAWN_BATCH; i++) {
			child[i].words = (1 + get_random_u32_below(8)) * PAGE_SIZE /
					 sizeof(unsigned long);
			child[i].seed = get_random_long();
			child[i].map = vmalloc(child[i].words * sizeof(unsigned long));
			init_completion(&child[i].done);
			started[i] = false;
			if (!child[i].map) {
				atomic_long_inc(&run->alloc_failures);
				continue;
			}
			atomic_long_inc(&run->mappings);
			for (j = 0; j < child[i].words; j++)
				child[i].map[j] = child[i].seed ^ j;
			task = kthread_create(vft_child_fn, &child[i], "vft_child/%u", cpu);
			if (IS_ERR(task)) {
				atomic_long_inc(&run->alloc_failures);
				continue;
			}
			target = cpumask_next(target, cpu_online_mask);
			if (target >= nr_cpu_ids)
				target = cpumask_first(cpu_online_mask);
			kthread_bind(task, target);
			wake_up_process(task);
			started[i] = true;
			atomic_long_inc(&run->kthreads);
		}
		for (i = 0; i < VFT_SPAWN_BATCH; i++) {
			if (!started[i]) {
				vfree(child[i].map);
				continue;
			}
			wait_for_completion(&child[i].done);
			if (child[i].bad)
				vft_fail(run, VFT_STRESS, "a kthread saw a wrong word", cpu);
			for (j = 0; j < child[i].words; j++) {
				if (child[i].map[j] == ~(child[i].seed ^ j))
					continue;
				vft_fail(run, VFT_STRESS, "a kthread's write was lost", cpu);
				break;
			}
			vfree(child[i].map);
		}

		/* vmap of pages that are also in the linear map. */
		v = vmap(pages, ARRAY_SIZE(pages), VM_MAP, PAGE_KERNEL);
		if (!v) {
			atomic_long_inc(&run->alloc_failures);
			continue;
		}
		atomic_long_inc(&run->mappings);
		v[0] = cpu;
		v[ARRAY_SIZE(pages) * PAGE_SIZE / sizeof(*v) - 1] = ~cpu;
		if (*(unsigned long *)page_address(pages[0]) != cpu ||
		    ((unsigned long *)page_address(pages[ARRAY_SIZE(pages) - 1]))
			[PAGE_SIZE / sizeof(*v) - 1] != ~cpu)
			vft_fail(run, VFT_STRESS, "a vmap alias disagrees", cpu);
		vunmap(v);
	}
out:
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		if (pages[i])
			__free_page(pages[i]);
	kthread_complete_and_exit(&w->done, 0);
}

static void vft_stress_run(struct vft_run *run, u32 duration_ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(duration_ms);
	struct vft_worker *workers;
	struct task_struct *task;
	unsigned int cpu;

	workers = kcalloc(nr_cpu_ids, sizeof(*workers), GFP_KERNEL);
	if (!workers) {
		atomic_long_inc(&run->alloc_failures);
		return;
	}
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		workers[cpu].run = run;
		workers[cpu].end = end;
		init_completion(&workers[cpu].done);
		task = kthread_create(vft_worker_fn, &workers[cpu], "vft_worker/%u", cpu);
		if (IS_ERR(task)) {
			atomic_long_inc(&run->alloc_failures);
			complete(&workers[cpu].done);
			continue;
		}
		kthread_bind(task, cpu);
		wake_up_process(task);
	}
	for_each_online_cpu(cpu)
		wait_for_completion(&workers[cpu].done);
	cpus_read_unlock();
	kfree(workers);
}

static __printf(1, 2) void vft_report(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vft_results_len += vscnprintf(vft_results + vft_results_len,
				      sizeof(vft_results) - vft_results_len,
				      fmt, args);
	va_end(args);
}

static void vft_run_all(void)
{
	struct vft_run *run;
	unsigned long start;
	u32 asked = READ_ONCE(vft_rounds), rounds;
	u32 duration_ms = READ_ONCE(vft_duration_ms);
	int i, fails, failed = 0;

	vft_results_len = 0;
	vft_results[0] = 0;
	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run) {
		vft_report("KTAP version 1\n1..0 # SKIP out of memory\n");
		return;
	}

	start = jiffies;
	rounds = vft_rounds_run(run, asked, duration_ms);
	vft_stress_run(run, duration_ms);

	vft_report("KTAP version 1\n1..%d\n", VFT_NR_TESTS);
	vft_report("# %u online CPUs, %u of %u rounds (%d aborted)\n",
		   num_online_cpus(), rounds, asked, atomic_read(&run->aborted_rounds));
	vft_report("# %u ms of stress, %u ms in all\n",
		   duration_ms, jiffies_to_msecs(jiffies - start));
	vft_report("# mappings made: %ld, kthreads spawned: %ld, allocation failures: %ld\n",
		   atomic_long_read(&run->mappings), atomic_long_read(&run->kthreads),
		   atomic_long_read(&run->alloc_failures));
	for (i = 0; i < VFT_NR_TESTS; i++) {
		fails = atomic_read(&run->fails[i]);
		/* Rounds that all aborted prove nothing. */
		if (i < VFT_STRESS &&
		    (!rounds || atomic_read(&run->aborted_rounds) == rounds))
			fails = -1;
		if (i == VFT_STRESS && !atomic_long_read(&run->mappings))
			fails = -1;
		failed += fails > 0;
		if (fails < 0)
			vft_report("ok %d %s # SKIP nothing was tested\n", i + 1, vft_names[i]);
		else if (fails)
			vft_report("not ok %d %s # %d failures\n", i + 1, vft_names[i], fails);
		else
			vft_report("ok %d %s\n", i + 1, vft_names[i]);
	}
	kfree(run);
	pr_info("%d of %d tests failed (debugfs: riscv_vmalloc_fence/results)\n",
		failed, VFT_NR_TESTS);
}

static ssize_t vft_run_write(struct file *file, const char __user *buf,
			     size_t count, loff_t *ppos)
{
	if (mutex_lock_interruptible(&vft_lock))
		return -EINTR;
	vft_run_all();
	mutex_unlock(&vft_lock);
	return count;
}

static ssize_t vft_results_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&vft_lock);
	ret = simple_read_from_buffer(buf, count, ppos, vft_results, vft_results_len);
	mutex_unlock(&vft_lock);
	return ret;
}

static const struct file_operations vft_run_fops = {
	.owner = THIS_MODULE,
	.write = vft_run_write,
	.llseek = noop_llseek,
};

static const struct file_operations vft_results_fops = {
	.owner = THIS_MODULE,
	.read = vft_results_read,
	.llseek = default_llseek,
};

static int __init vft_init(void)
{
	/* Only 64-bit kernels with an MMU fence new mappings lazily. */
	if (!IS_ENABLED(CONFIG_64BIT) || !IS_ENABLED(CONFIG_MMU))
		return -ENODEV;
	vft_dir = debugfs_create_dir("riscv_vmalloc_fence", NULL);
	if (IS_ERR(vft_dir))
		return PTR_ERR(vft_dir);
	debugfs_create_u32("rounds", 0600, vft_dir, &vft_rounds);
	debugfs_create_u32("duration_ms", 0600, vft_dir, &vft_duration_ms);
	debugfs_create_file("run", 0200, vft_dir, NULL, &vft_run_fops);
	debugfs_create_file("results", 0400, vft_dir, NULL, &vft_results_fops);
	return 0;
}

static void __exit vft_exit(void)
{
	debugfs_remove_recursive(vft_dir);
}

module_init(vft_init);
module_exit(vft_exit);
MODULE_DESCRIPTION("Test of the lazy fencing of new kernel mappings on RISC-V");
MODULE_LICENSE("GPL");
