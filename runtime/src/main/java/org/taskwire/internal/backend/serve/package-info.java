/**
 * Serving workers: JVMs that run the wrapper's serving loop and answer calls as they come, local
 * workers over their pipes and Slurm pilots over a socket. One frame protocol, results signed with
 * the run's key ({@link org.taskwire.internal.backend.serve.WireFormat}), one dispatcher that
 * queues calls and feeds windows of them to workers ({@link
 * org.taskwire.internal.backend.serve.Dispatcher}), one walltime kill.
 *
 * <p>Taskwire's implementation, public only so that Taskwire's own modules can reach it: no
 * compatibility promise.
 */
package org.taskwire.internal.backend.serve;
