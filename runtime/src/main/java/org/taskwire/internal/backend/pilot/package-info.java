/**
 * Pilots: worker JVMs started as batch jobs that connect back to the client and serve many calls
 * each, so that a short call costs a message, not a job. The pool sizes them to the queue between
 * a minimum and a maximum, sends each call only to a pilot whose walltime it fits in, drains
 * pilots warned of their walltime's end, replaces them while calls remain, and notices a silent
 * one by its missing heartbeats. A batch system plugs in as a {@link
 * org.taskwire.internal.backend.pilot.PilotLauncher}.
 *
 * <p>Taskwire's implementation, public only so that Taskwire's own modules can reach it: no
 * compatibility promise.
 */
package org.taskwire.internal.backend.pilot;
