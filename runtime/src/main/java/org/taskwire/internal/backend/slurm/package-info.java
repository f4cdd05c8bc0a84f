/**
 * The {@code slurm} backend: a {@link org.taskwire.internal.backend.batch.BatchSystem} that runs
 * each fan-out as Slurm array jobs, one array task per call, driving {@code sbatch},
 * {@code squeue} and {@code scancel} as processes. No compatibility promise (see
 * {@code org.taskwire.internal.run}).
 */
package org.taskwire.internal.backend.slurm;
