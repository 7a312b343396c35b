# The vmalloc-fence lab. `make help` lists the targets.
#
#   KVER     7.3 (mainline, default) | 6.12 (Debian linux-source-6.12)
#   VARIANT  patched (default) | base | nofence (the series without patch 4)
#   CONFIG   lab (default) | vector (config/vector.config on top)
#            | distro (config/distro.config on top: Debian's riscv64 options)
SHELL := /bin/bash
KVER ?= 7.3
VARIANT ?= patched
CONFIG ?= lab
export SMP MEM QEMU_CPU BOOT_TIMEOUT TESTS APPEND CHECKS LAB_LLVM REPLY_TO REPRO_ONLY REPRO_LIST REPRO_TRACE REPRO_AFTER REPRO_ROUNDS REPRO_AFTER_SECONDS REPRO_BUILD MINUTES \
	QEMU MODEL_ENTRIES MODEL_HIT_PCT MODEL_PREFETCH MODEL_SEED MODEL_RUNS MODEL_SECONDS

.PHONY: help setup fetch tree export build run repro cost flushes warnings sparse htmldocs per-patch submission debian-patches soak tree-tests hunt qemu qemu-test qemu-next model check check-full lab-tests clean

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## setup                 install the lab's Debian packages (idempotent)
setup:
	@bash lab/setup.sh

## fetch KVER=..         fetch and import a kernel tree from Debian's archive
fetch: setup
	@bash lab/fetch.sh $(KVER)

## tree KVER=.. [FORCE=1] an editable worktree with the series applied as commits
tree: setup
	@bash lab/tree.sh $(KVER) $(if $(FORCE),--force)

## export KVER=..        write the worktree's commits back to series/
export:
	@bash lab/export.sh $(KVER)

## build KVER=.. VARIANT=.. CONFIG=..  build a kernel (cached)
build: setup
	@bash lab/build.sh $(KVER) $(VARIANT) $(CONFIG) >/dev/null

## run KVER=.. VARIANT=.. CONFIG=.. [TESTS=a,b] [SMP=n] [QEMU=model]  build, boot, run the guest tests
run:
	@bash lab/run.sh $(KVER) $(VARIANT) $(CONFIG)

## repro KVER=.. VARIANT=.. CONFIG=.. [REPRO_ONLY=..] [REPRO_AFTER=1]  the fault-injection matrix (REPRO_AFTER=1: its aftermath)
repro:
	@bash lab/repro.sh $(KVER) $(VARIANT) $(CONFIG)

## cost KVER=..          instructions the series adds to a trap (base vs patched)
cost:
	@bash lab/cost.sh $(KVER)

## flushes KVER=..       fences and switches per workload (the lab's counters)
flushes:
	@bash lab/flushes.sh $(KVER)

## warnings KVER=..      no new W=1 warnings in the objects the series touches
warnings:
	@bash lab/warnings.sh $(KVER)

## sparse KVER=..        no new sparse warning in the objects the series touches
sparse:
	@WARN_TOOL=sparse bash lab/warnings.sh $(KVER)

## htmldocs KVER=..      the docs build (SPHINXDIRS=arch/riscv) without a new warning; the page as text
htmldocs:
	@bash lab/htmldocs.sh $(KVER)

## per-patch KVER=.. [CONFIG=lab|rv32|nommu] [LAB_LLVM=1]  every patch builds on its own, no new W=1 warning
per-patch:
	@bash lab/per-patch.sh $(KVER) $(CONFIG)

## submission KVER=..    b4 prep, prep --check and send -o: the mails, not sent (needs your own git identity)
submission:
	@bash lab/submission.sh $(KVER)

## debian-patches        the 6.12 stable part as Debian's bugfix/riscv patches (series/debian-6.12)
debian-patches:
	@bash lab/debian-patches.sh

## soak KVER=.. [MINUTES=30] [SMP=8]  the series' selftests, long, on the patched kernel
soak:
	@bash lab/soak.sh $(KVER)

## qemu                  build the QEMU model (qemu/ on Debian's QEMU source; cached)
qemu:
	@bash lab/qemu.sh

## qemu-test             the model's own test (tests/tcg/riscv64/test-stale-tlb.S)
qemu-test:
	@bash lab/qemu-test.sh

## qemu-next             qemu/next/ (the series rebased for posting) builds and passes there
qemu-next:
	@bash lab/qemu-next.sh

## model KVER=.. VARIANT=.. EXPECT=die|survive [SMP=n] [MODEL_RUNS=3] [MODEL_SECONDS=60]  the series' selftests on the QEMU model
model:
	@bash lab/model.sh $(KVER) $(VARIANT) $(EXPECT)

## tree-tests KVER=..    the tree's own riscv selftests and test_vmalloc: unfixed vs patched
tree-tests:
	@bash lab/tree-tests.sh $(KVER)

## hunt KVER=.. [HUNT_SECONDS=30] [HUNT_WORKLOADS=..]  every fault of the QEMU model, per workload, to what answered it
hunt:
	@bash lab/hunt.sh $(KVER)

## check                 what CI runs: the lab's own tests, then every registered check
check:
	@bash lab/check.sh

## check-full            check, then lab/checks-full.list (too long for CI's 90 minutes)
check-full:
	@TIER=full bash lab/check.sh

## lab-tests             only the lab's own tests (tests/)
lab-tests:
	@CHECKS=none bash lab/check.sh

## clean                 remove out/ (the cache under ~/.cache/vmfence-lab stays)
clean:
	rm -rf out
