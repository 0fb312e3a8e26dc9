#!/usr/bin/env bash
# A throwaway single-node Slurm cluster for the Slurm executor's tests (run as root).
#
#   scripts/slurm-test-cluster.sh start [HOLDER_PID]   install slurm-wlm when missing, start
#                                                      slurmctld + slurmd, wait until idle
#   scripts/slurm-test-cluster.sh stop [HOLDER_PID]    stop them (by PID) once no holder is left
#   scripts/slurm-test-cluster.sh stop --all           stop them whoever holds them
#   scripts/slurm-test-cluster.sh status               print "running" or "stopped"
#
# Everything lives under $SLURM_TEST_DIR (default /tmp/sentinel-slurm-test): slurm.conf, state,
# spool, logs, PID files and the job completion log (jobcomp.log, one line per finished job).
# Clients find the cluster with SLURM_CONF=$SLURM_TEST_DIR/slurm.conf; `start` prints that line.
# Idempotent: a running cluster is reused. Each holder (default: the calling process) is
# recorded, and `stop` only stops the daemons when no live holder is left, so test files that
# overlap share one cluster. Authentication is auth/none + cred/none: no munged is needed.
set -euo pipefail

dir=${SLURM_TEST_DIR:-/tmp/sentinel-slurm-test}
conf=$dir/slurm.conf
action=${1:-}
holder=${2:-$PPID}

die() { echo "slurm-test-cluster: $*" >&2; exit 1; }
# A PID file whose process is alive and is that daemon (not a reused PID).
alive() {
  local pid
  [ -f "$1" ] || return 1
  pid=$(cat "$1")
  kill -0 "$pid" 2>/dev/null && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$(basename "$1" .pid)" ]
}
running() { alive "$dir/slurmctld.pid" && alive "$dir/slurmd.pid"; }

# Drops holders whose process is gone; prints how many are left.
prune_holders() {
  mkdir -p "$dir/holders"
  local n=0 f
  for f in "$dir"/holders/*; do
    [ -e "$f" ] || continue
    if kill -0 "$(basename "$f")" 2>/dev/null; then n=$((n + 1)); else rm -f "$f"; fi
  done
  echo "$n"
}

install_slurm() {
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null &&
    return 0
  [ "$(id -u)" = 0 ] || die "slurm-wlm is not installed and installing it needs root"
  command -v apt-get >/dev/null || die "slurm-wlm is not installed and there is no apt-get"
  echo "slurm-test-cluster: installing slurm-wlm (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || die "apt-get update failed"
  apt-get install -y -qq slurm-wlm munge >&2 || die "apt-get install slurm-wlm munge failed"
}

write_config() {
  mkdir -p "$dir/state" "$dir/spool" "$dir/log"
  local host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -1)
  [ -n "$mem" ] || mem=1000
  cat >"$conf" <<EOF
ClusterName=sentinel-test
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.log
MailProg=/bin/true
MinJobAge=3600
KillWait=5
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.daemon.pid
SlurmdPidFile=$dir/slurmd.daemon.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=${SLURM_TEST_CTLD_PORT:-6917}
SlurmdPort=${SLURM_TEST_SLURMD_PORT:-6918}
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

wait_idle() {
  local i state
  for i in $(seq 1 100); do
    state=$(SLURM_CONF=$conf sinfo -h -o %T 2>/dev/null | head -1 || true)
    case "$state" in idle | mixed | allocated) return 0 ;; esac
    running || break
    sleep 0.2
  done
  echo "--- slurmctld.log" >&2; tail -n 20 "$dir/log/slurmctld.log" >&2 || true
  echo "--- slurmd.log" >&2; tail -n 20 "$dir/log/slurmd.log" >&2 || true
  die "the node did not become idle (sinfo says '${state:-nothing}')"
}

stop_daemons() {
  local name pid i
  for name in slurmd slurmctld; do
    alive "$dir/$name.pid" || { rm -f "$dir/$name.pid"; continue; }
    pid=$(cat "$dir/$name.pid")
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/$name.pid"
  done
}

case "$action" in
start)
  mkdir -p "$dir/holders"
  exec 9>"$dir/lock"
  flock 9
  prune_holders >/dev/null
  touch "$dir/holders/$holder"
  if running && SLURM_CONF=$conf sinfo -h -o %T >/dev/null 2>&1; then
    echo "SLURM_CONF=$conf"
    exit 0
  fi
  stop_daemons
  install_slurm
  write_config
  # A fresh state each start: no jobs left over from an earlier cluster.
  rm -rf "$dir/state"/* "$dir/spool"/*
  setsid slurmctld -D -i -f "$conf" >>"$dir/log/slurmctld.out" 2>&1 </dev/null &
  echo $! >"$dir/slurmctld.pid"
  setsid slurmd -D -f "$conf" >>"$dir/log/slurmd.out" 2>&1 </dev/null &
  echo $! >"$dir/slurmd.pid"
  wait_idle
  echo "SLURM_CONF=$conf"
  ;;
stop)
  [ -d "$dir" ] || exit 0
  exec 9>"$dir/lock"
  flock 9
  if [ "$holder" = --all ]; then
    rm -f "$dir"/holders/*
  else
    rm -f "$dir/holders/$holder"
  fi
  [ "$(prune_holders)" = 0 ] || exit 0
  stop_daemons
  ;;
status)
  if running; then echo running; else echo stopped; fi
  ;;
*)
  die "usage: $0 start|stop [HOLDER_PID | --all]|status"
  ;;
esac
