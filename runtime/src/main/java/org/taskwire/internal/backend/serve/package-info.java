/**
 * Serving workers: JVMs that run the wrapper's serving loop and answer calls as they come, local
 * workers over their pipes and Slurm pilots over a socket. One frame protocol ({@link
 * org.taskwire.internal.backend.serve.WireFormat}), one way to feed a window of calls to a worker
 * and read its answers ({@link org.taskwire.internal.backend.serve.CallFeed}), one walltime kill
 * and one check that a result said sent arrives.
 *
 * <p>Taskwire's implementation, public only so that Taskwire's own modules can reach it: no
 * compatibility promise.
 */
package org.taskwire.internal.backend.serve;
