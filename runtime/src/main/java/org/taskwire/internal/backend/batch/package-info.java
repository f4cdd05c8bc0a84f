/**
 * The skeleton batch-system backends share (PanDA now, Slurm next): submit a fan-out as one task,
 * watch every task in bulk, report each job's start and end as call events, read a finished job's
 * own record of its result when its message did not come, kill what nobody waits for. A batch
 * system plugs in as a {@link org.taskwire.internal.backend.batch.BatchSystem}.
 *
 * <p>Taskwire's implementation, public only so that Taskwire's own modules can reach it: no
 * compatibility promise.
 */
package org.taskwire.internal.backend.batch;
