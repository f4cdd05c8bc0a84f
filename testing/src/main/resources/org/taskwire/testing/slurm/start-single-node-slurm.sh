#!/usr/bin/env bash
# Starts a single-node Slurm on this machine from the installed slurm-wlm and munge packages, as
# root, without cgroups (proctrack/linuxproc, task/none): for tests. Where mariadb-server and
# slurmdbd are installed too, it keeps accounting in a local MariaDB, so that sacct answers. Run by
# Taskwire's .ci/slurm-service and by the testing kit's SlurmCluster.answersOrStarts().
# Idempotent: a Slurm already up is reconfigured (restarted when accounting comes on).
set -euo pipefail
ACCOUNTING=none
if command -v slurmdbd >/dev/null && command -v mariadbd >/dev/null; then
  # MariaDB, a database and a user for slurmdbd, then slurmdbd itself.
  mkdir -p /run/mysqld /run/slurm /var/log/slurm && chown mysql:mysql /run/mysqld
  if ! mysqladmin ping >/dev/null 2>&1; then
    (mysqld_safe --user=mysql >/var/log/slurm/mysqld_safe.log 2>&1 &)
    for i in $(seq 1 60); do mysqladmin ping >/dev/null 2>&1 && break; sleep 1; done
  fi
  mysql -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db; CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'taskwire'; GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost'; FLUSH PRIVILEGES;"
  cat > /etc/slurm/slurmdbd.conf <<DBD
AuthType=auth/munge
DbdHost=localhost
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StoragePass=taskwire
StorageLoc=slurm_acct_db
LogFile=/var/log/slurm/slurmdbd.log
PidFile=/run/slurm/slurmdbd.pid
DBD
  chmod 600 /etc/slurm/slurmdbd.conf
  ACCOUNTING=slurmdbd
fi
HOST=$(hostname -s)
CPUS=$(nproc)
MEM=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
mkdir -p /etc/munge /var/log/munge /run/munge /var/lib/munge /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/slurm
chown -R munge:munge /etc/munge /var/log/munge /run/munge /var/lib/munge 2>/dev/null || true
[ -s /etc/munge/munge.key ] || mungekey -c -f -k /etc/munge/munge.key
chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged --force
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=taskwire
SlurmctldHost=$HOST
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
# No cgroups here: memory is enforced by polling each task's RSS, killing a job above its --mem.
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobAcctGatherParams=OverMemoryKill
AccountingStorageType=accounting_storage/$ACCOUNTING
AccountingStorageHost=localhost
AccountingStoreFlags=job_comment
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
MaxArraySize=1001
DefMemPerCPU=512
KillWait=5
# Ended jobs leave squeue after 30 s: sacct tells of them where Slurm keeps accounting.
MinJobAge=30
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
# A partition whose one-minute limit a default walltime exceeds: such a job pends for ever (the tests).
PartitionName=short Nodes=$HOST MaxTime=1 State=UP
CONF
if [ "$ACCOUNTING" = slurmdbd ]; then
  pgrep -x slurmdbd >/dev/null || /usr/sbin/slurmdbd
  for i in $(seq 1 60); do sacctmgr -n show cluster >/dev/null 2>&1 && break; sleep 1; done
  sacctmgr -n show cluster format=cluster | grep -qw taskwire || sacctmgr -i add cluster taskwire >/dev/null
fi
if pgrep -x slurmctld >/dev/null && scontrol show config | grep -q "AccountingStorageType *= accounting_storage/$ACCOUNTING"; then
  scontrol reconfigure >/dev/null 2>&1 || true
else
  # A change of accounting needs a restart of the controller; its state (the queue) survives it.
  if pgrep -x slurmctld >/dev/null; then pkill -x slurmctld; for i in $(seq 1 30); do pgrep -x slurmctld >/dev/null || break; sleep 1; done; fi
  /usr/sbin/slurmctld
fi
pgrep -x slurmd >/dev/null || /usr/sbin/slurmd
for i in $(seq 1 60); do
  if sinfo -h -o %T 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; then
    echo "slurm: node $HOST up with $CPUS CPUs and $MEM MB, accounting: $ACCOUNTING"; exit 0
  fi
  scontrol update NodeName=$HOST State=RESUME >/dev/null 2>&1 || true
  sleep 1
done
echo "slurm did not come up" >&2; tail -20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2; exit 1
