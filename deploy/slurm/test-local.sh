#!/usr/bin/env bash
# Tests deploy/slurm/sweep.sbatch on a real one-node Slurm cluster started on
# this machine (as root: Debian's slurm-wlm and munge, installed when missing).
#
#   deploy/slurm/test-local.sh            # builds target/release/orgsim first
#   ORGSIM=path/to/orgsim deploy/slurm/test-local.sh
#
# Everything it writes (munge key, slurm.conf, state, logs, sweep folders) is
# in one temporary folder, removed at the end (kept with KEEP_TMP=1). It
# starts munged, slurmctld and slurmd on a private socket and private ports,
# and a trap stops each of them by PID, and whatever jobs are left, however
# the script ends. Every wait has a time limit, so a broken Slurm fails the
# test instead of hanging it; on failure the daemons' and jobs' logs are shown.
#
# What it checks, submitting the recipe as users do:
#  A. `sweep.sbatch submit --array=1-3 --cpus-per-task=1` (and the time limit
#     from SBATCH_TIMELIMIT) runs 3 shards of 1 CPU each and the merge; the
#     merged sweep.csv and sweep_comparison.csv equal one `orgsim sweep` of the
#     same grid byte for byte.
#  B. Of a slower sweep's 3 shards, one is stopped mid-run with
#     `scancel --signal=TERM --full` (exit code 130, its finished points kept,
#     the merge cancelled), another is requeued mid-run with `scontrol requeue`
#     (it resumes from its checkpoint); the stopped shard, submitted again with
#     `SHARDS=3 sweep.sbatch submit --array=1`, resumes too, and the merged
#     files equal one `orgsim sweep` of the same grid byte for byte; so they
#     do after all 3 shards are submitted again (each has nothing left to do).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
recipe=$here/sweep.sbatch
started=$SECONDS

say() { printf '[%3ds] %s\n' $((SECONDS - started)) "$*"; }
fail() {
    printf '[%3ds] FAIL: %s\n' $((SECONDS - started)) "$*" >&2
    exit 1
}

[[ $(id -u) == 0 ]] || fail "run as root: the test cluster's daemons run as root (SlurmUser=root)"

# --- packages -------------------------------------------------------------
missing=()
for cmd in slurmctld slurmd sbatch; do
    command -v "$cmd" >/dev/null || { missing+=(slurm-wlm) && break; }
done
command -v munged >/dev/null || missing+=(munge)
if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    apt-get update -qq || fail "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
        fail "apt-get install ${missing[*]} failed"
fi

# --- the orgsim binary ------------------------------------------------------
if [[ -z ${ORGSIM:-} ]]; then
    say "building orgsim (release)"
    (cd "$repo" && cargo build --release --quiet --bin orgsim) || fail "cargo build --release failed"
    ORGSIM=$(cd "$repo" && cd "${CARGO_TARGET_DIR:-target}" && pwd)/release/orgsim
elif [[ $ORGSIM != */* ]]; then
    ORGSIM=$(command -v "$ORGSIM") || fail "ORGSIM=$ORGSIM is not a command"
fi
# Absolute: the jobs run in other folders.
[[ -f $ORGSIM && -x $ORGSIM ]] || fail "no orgsim binary at $ORGSIM"
ORGSIM=$(cd "$(dirname "$ORGSIM")" && pwd)/$(basename "$ORGSIM")

# --- the temporary folder and the cleanup trap -------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/orgsim-slurm-test.XXXXXX")
chmod 711 "$tmp" # munged wants every folder above its socket searchable by all
# The daemons and the jobs get this mark in their environment (and so do
# slurmstepd and the jobs' processes), so that the trap can find any that
# outlive a daemon; the script itself and its tools do not carry it.
mark=ORGSIM_SLURM_TEST=$tmp
daemons=() # "name:pid", in start order
helpers=() # background reference sweeps

alive() { kill -0 "$1" 2>/dev/null; }

# PIDs of the live processes carrying this run's mark in their environment.
marked() {
    local env pid
    for env in /proc/[0-9]*/environ; do
        pid=${env#/proc/}
        pid=${pid%/environ}
        [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
        tr '\0' '\n' 2>/dev/null <"$env" | grep -qxF "$mark" && echo "$pid"
    done
    return 0
}

# Waits up to $1 seconds for the process $2 to end; true if it did.
ended_within() {
    local deadline=$((SECONDS + $1))
    while alive "$2"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

show_logs() {
    local f
    for f in "$tmp"/log/* "$tmp"/work/*/*.log; do
        [[ -f $f ]] || continue
        echo "----- ${f#"$tmp"/} (last 40 lines)"
        tail -n 40 "$f"
    done
}

cleanup() {
    local rc=$? entry pid name p
    trap - EXIT INT TERM HUP PIPE
    set +e
    ((rc == 0)) || { echo "the Slurm test failed (exit code $rc); logs:" >&2 && show_logs >&2; }
    [[ -n ${watchdog:-} ]] && kill "$watchdog" 2>/dev/null
    for p in "${helpers[@]}"; do [[ -n $p ]] && alive "$p" && kill "$p"; done
    # Jobs first, while slurmctld can still cancel them.
    if ((${#daemons[@]} >= 2)) && alive "${daemons[1]#*:}"; then
        timeout 20 scancel --quiet --user=root 2>/dev/null
        local deadline=$((SECONDS + 15))
        while [[ -n $(timeout 10 squeue -h -o %i 2>/dev/null) ]] && ((SECONDS < deadline)); do sleep 0.5; done
    fi
    # Then the daemons, last started first.
    for ((i = ${#daemons[@]} - 1; i >= 0; i--)); do
        name=${daemons[i]%%:*}
        pid=${daemons[i]#*:}
        alive "$pid" || continue
        kill -TERM "$pid"
        if ! ended_within 10 "$pid"; then
            echo "$name ($pid) ignored SIGTERM: killing it" >&2
            kill -KILL "$pid"
            ended_within 5 "$pid"
        fi
    done
    # Whatever outlived them (a slurmstepd, a job's orgsim).
    for pid in $(marked); do
        echo "killing leftover process $pid: $(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null)" >&2
        kill -KILL "$pid" 2>/dev/null
    done
    local left=""
    for entry in "${daemons[@]}"; do alive "${entry#*:}" && left+=" $entry"; done
    left+=$(marked | tr '\n' ' ')
    left+=$(pgrep -f -- "$tmp" | tr '\n' ' ') # a daemon with this run's files on its command line
    if [[ -n ${left// /} ]]; then
        echo "FAIL: processes still running after cleanup:$left" >&2
        rc=1
    fi
    if [[ -n ${KEEP_TMP:-} ]]; then
        echo "kept $tmp" >&2
    else
        rm -rf "$tmp"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE

# However it gets stuck, the whole test ends within TEST_TIMEOUT seconds.
limit=${TEST_TIMEOUT:-300}
(
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep "$limit" &
    sleeper=$!
    wait "$sleeper"
    echo "the Slurm test timed out after ${limit}s (TEST_TIMEOUT): stopping it" >&2
    kill -TERM $$
) &
watchdog=$!

# Polls `$3...` every half second until it succeeds; fails after $1 seconds.
wait_for() {
    local timeout=$1 what=$2 deadline=$((SECONDS + $1))
    shift 2
    until "$@"; do
        ((SECONDS < deadline)) || fail "timed out after ${timeout}s waiting for $what"
        sleep 0.5
    done
}

# --- munge ------------------------------------------------------------------
mkdir -p "$tmp/munge" "$tmp/log" "$tmp/state" "$tmp/spool" "$tmp/work"
chmod 711 "$tmp/munge"
head -c 1024 /dev/urandom >"$tmp/munge/munge.key"
chmod 600 "$tmp/munge/munge.key"
socket=$tmp/munge/munge.socket
env "$mark" munged --foreground --force --key-file="$tmp/munge/munge.key" --socket="$socket" \
    --pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge/munged.seed" \
    --log-file="$tmp/log/munged.log" </dev/null >"$tmp/log/munged.out" 2>&1 &
daemons+=("munged:$!")
munge_works() { munge -S "$socket" -n 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1; }
wait_for 20 "munged to answer on $socket" munge_works
say "munged is up (pid ${daemons[0]#*:})"

# --- slurm.conf ---------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=16817
until port_free "$port" && port_free $((port + 1)); do
    port=$((port + 2))
    ((port < 17817)) || fail "no two free ports in 16817-17817"
done
node=$(hostname -s)
export SLURM_CONF=$tmp/slurm.conf
cat >"$SLURM_CONF" <<EOF
# A one-node cluster for deploy/slurm/test-local.sh.
ClusterName=orgsimtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire is also how long a requeued job waits before it may start again.
AuthInfo=socket=$socket,cred_expire=5
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1,bf_interval=1
MpiDefault=none
SwitchType=switch/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
KillWait=10
MinJobAge=3600
# Four CPUs whatever the hardware, so that three 1-CPU shards run at once.
SlurmdParameters=config_overrides
NodeName=$node NodeAddr=127.0.0.1 CPUs=4 RealMemory=4096 State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF

# --- slurmctld and slurmd -------------------------------------------------------
env "$mark" slurmctld -D -i -f "$SLURM_CONF" </dev/null >"$tmp/log/slurmctld.out" 2>&1 &
daemons+=("slurmctld:$!")
ctld_up() { timeout 10 scontrol ping 2>/dev/null | grep -q 'is UP'; }
wait_for 30 "slurmctld to answer on port $port" ctld_up
env "$mark" slurmd -D -N "$node" -f "$SLURM_CONF" </dev/null >"$tmp/log/slurmd.out" 2>&1 &
daemons+=("slurmd:$!")
node_idle() { [[ $(timeout 10 sinfo -h -n "$node" -o %T 2>/dev/null) == idle ]]; }
wait_for 30 "node $node to be idle" node_idle
say "slurmctld (pid ${daemons[1]#*:}, port $port) and slurmd (pid ${daemons[2]#*:}) are up; $node is idle"

# --- helpers on jobs ------------------------------------------------------------
# A field of `scontrol show job` for one job or array task, e.g. JobState.
field() { { timeout 10 scontrol -o show job "$1" 2>/dev/null | grep -o "\b$2=[^ ]*" | head -n 1 | cut -d= -f2-; } || true; }
known() { [[ -n $(field "$1" JobState) ]]; }
# True once the job has ended (any final state).
ended() {
    case $(field "$1" JobState) in
    COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED) return 0 ;;
    *) return 1 ;;
    esac
}
expect_state() {
    local job=$1 state=$2 exit=$3 got
    got="$(field "$job" JobState) $(field "$job" ExitCode)"
    [[ $got == "$state $exit" ]] || fail "job $job: expected $state with exit code $exit, got $got"
}
running() { [[ $(field "$1" JobState) == RUNNING ]]; }
lines() { if [[ -f $1 ]]; then wc -l <"$1"; else echo 0; fi; }
has_lines() { (($(lines "$1") >= $2)); }

# Submits the recipe as users do; sets `shards` and `merge` to the job ids.
submit() {
    local out
    out=$(env "$mark" timeout 60 "$recipe" submit "$@") || fail "sweep.sbatch submit $* failed: $out"
    say "$out"
    [[ $out =~ shards\ as\ job\ ([0-9]+)\ and\ the\ merge\ as\ job\ ([0-9]+) ]] ||
        fail "cannot read the job ids in: $out"
    shards=${BASH_REMATCH[1]}
    merge=${BASH_REMATCH[2]}
}

same_files() {
    local f
    for f in sweep.csv sweep_comparison.csv; do
        [[ -s $2/$f ]] || fail "$2/$f is missing or empty"
        cmp "$1/$f" "$2/$f" || fail "$2/$f differs from the single-process $1/$f"
    done
    say "$2: sweep.csv and sweep_comparison.csv equal the single-process sweep's byte for byte"
}

# Starts one single-process sweep in the background, to compare with.
reference() {
    local dir=$1
    shift
    "$ORGSIM" sweep prime-video "$@" --threads 1 --quiet --out "$dir" \
        </dev/null >"$dir.stdout" 2>"$dir.stderr" &
    helpers+=("$!")
}
reference_done() {
    wait "${helpers[$1]}" || fail "the single-process sweep into $2 failed: $(cat "$2.stderr")"
    helpers[$1]=""
}

export ORGSIM SCENARIO=prime-video
# The time limit by environment, the array and CPUs on the command line.
export SBATCH_TIMELIMIT=00:05:00

# --- A: a sweep in 3 shards of 1 CPU, then the merge ------------------------------
cd "$tmp/work"
mkdir a && cd a
export OUT=results
export SWEEP_ARGS="--vary workload.load=0.6:1.0:0.1 --vary architecture.coupling=0,0.3 --reps 20"
# shellcheck disable=SC2086 # SWEEP_ARGS is split at spaces, as the recipe does
reference single $SWEEP_ARGS
submit --array=1-3 --cpus-per-task=1
for k in 1 2 3; do
    wait_for 20 "array task ${shards}_$k to be known" known "${shards}_$k"
    [[ $(field "${shards}_$k" NumCPUs) == 1 && $(field "${shards}_$k" TimeLimit) == 00:05:00 ]] ||
        fail "task ${shards}_$k has NumCPUs=$(field "${shards}_$k" NumCPUs) TimeLimit=$(field "${shards}_$k" TimeLimit), not the overrides 1 and 00:05:00"
done
[[ -z $(field "${shards}_4" JobState) ]] || fail "job $shards has a 4th array task: --array=1-3 did not override the recipe's"
wait_for 90 "the merge job $merge to end" ended "$merge"
for k in 1 2 3; do expect_state "${shards}_$k" COMPLETED 0:0; done
expect_state "$merge" COMPLETED 0:0
reference_done 0 single
same_files single results

# --- B: a shard stopped, another requeued, then submitted again --------------------
cd "$tmp/work"
mkdir b && cd b
# 12 points, 4 per shard, each long enough (500 replications) to be caught mid-run.
export SWEEP_ARGS="--vary workload.load=0.4:0.95:0.05 --reps 500"
# shellcheck disable=SC2086
reference single $SWEEP_ARGS
submit --array=1-3 --cpus-per-task=1
stop=${shards}_1 requeue=${shards}_2
cp1=results/shard-1-of-3/sweep.checkpoint.jsonl
cp2=results/shard-2-of-3/sweep.checkpoint.jsonl
for job in "$stop" "$requeue"; do wait_for 60 "$job to run" running "$job"; done
wait_for 90 "a finished point in $cp1" has_lines "$cp1" 1
seen1=$(lines "$cp1")
timeout 20 scancel --signal=TERM --full "$stop"
say "sent SIGTERM to $stop (scancel --signal=TERM --full) with $seen1 of 4 points in its checkpoint"
wait_for 90 "a finished point in $cp2" has_lines "$cp2" 1
seen2=$(lines "$cp2")
running "$requeue" || fail "$requeue ended before it could be requeued ($(lines "$cp2") of 4 points): make its points slower"
timeout 20 scontrol requeue "$requeue"
say "requeued $requeue (scontrol requeue) with $seen2 of 4 points in its checkpoint"

wait_for 30 "$stop to end" ended "$stop"
expect_state "$stop" FAILED 130:0
kept1=$(lines "$cp1")
((kept1 >= seen1)) || fail "$stop lost finished points: $kept1 in its checkpoint, $seen1 before SIGTERM"
((kept1 < 4)) || fail "$stop finished all its points before SIGTERM arrived: make its points slower"
grep -q "interrupted: kept $kept1 of 4 points" "orgsim-sweep-$stop.log" ||
    fail "$stop's log does not say it kept $kept1 of 4 points"
say "$stop exited with 130, keeping $kept1 of 4 points"

wait_for 120 "the requeued $requeue to end" ended "$requeue"
expect_state "$requeue" COMPLETED 0:0
[[ $(field "$requeue" Restarts) == 1 ]] || fail "$requeue was not restarted (Restarts=$(field "$requeue" Restarts))"
log2=orgsim-sweep-$requeue.log
kept2=$(grep -o 'interrupted: kept [0-9]* of 4 points' "$log2" | grep -o 'kept [0-9]*' | cut -d' ' -f2) ||
    fail "$requeue's log does not say what its first run kept"
((kept2 >= seen2 && kept2 < 4)) || fail "$requeue's first run kept $kept2 of 4 points, $seen2 before the requeue"
grep -q "resumed: $kept2 of 4 points were already done" "$log2" ||
    fail "$requeue did not resume from its checkpoint's $kept2 points"
say "$requeue was requeued after $kept2 of 4 points and resumed from them"
wait_for 120 "${shards}_3 to end" ended "${shards}_3"
expect_state "${shards}_3" COMPLETED 0:0
# Slurm judges an array's afterok when all its tasks have ended.
wait_for 30 "the merge job $merge to be cancelled (a shard failed)" ended "$merge"
expect_state "$merge" CANCELLED 0:0
say "the merge job $merge was cancelled: shard 1 had failed"

stopped=$stop
SHARDS=3 submit --array=1 --cpus-per-task=1
wait_for 120 "the merge job $merge to end" ended "$merge"
expect_state "${shards}_1" COMPLETED 0:0
expect_state "$merge" COMPLETED 0:0
grep -q "resumed: $kept1 of 4 points were already done" "orgsim-sweep-${shards}_1.log" ||
    fail "the resubmitted shard 1 (after $stopped) did not resume from its $kept1 points"
say "shard 1, submitted again, resumed from its $kept1 points"
reference_done 1 single
same_files single results

# All shards submitted again: the finished ones have nothing left to do.
submit --array=1-3 --cpus-per-task=1
wait_for 90 "the merge job $merge to end" ended "$merge"
for k in 1 2 3; do
    expect_state "${shards}_$k" COMPLETED 0:0
    grep -q "resumed: 4 of 4 points were already done" "orgsim-sweep-${shards}_$k.log" ||
        fail "${shards}_$k, submitted again after its shard was done, did not just resume its 4 points"
done
expect_state "$merge" COMPLETED 0:0
same_files single results

say "all checks passed"
