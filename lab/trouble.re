# Kernel trouble on a console: one extended regular expression a line,
# joined with |. Read by lab/verdict.sh (grep -E), lab/repro/aftermath.py
# (Python re) and, in the guest, guest/klogcheck (POSIX regcomp, as
# /etc/lab-trouble.re): keep to what all read alike (no \d, no
# backreferences).
# WARN() prints "WARNING: CPU: N PID: N at ..." on 6.12 and
# "WARNING: at FUNC, CPU#N: COMM/PID" on 7.3; "[ cut here ]" precedes both.
Oops
Kernel panic
BUG:
Unable to handle kernel
WARNING: CPU:
WARNING: at
\[ cut here \]
self-detected stall
rcu: INFO
soft lockup
hard LOCKUP
blocked for more than
Kernel BUG
general protection
Fixing recursive fault
# lockdep: RCU used where it is not watching (PROVE_RCU, config/ctrcu.config).
suspicious RCU usage
