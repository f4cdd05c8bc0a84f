/**
 * Taskwire's implementation, public only so that Taskwire's own modules can reach it: no
 * compatibility promise. Anything here may change or go in any release; write, run and test
 * workflows with {@code org.taskwire}, {@code org.taskwire.annotations} and
 * {@code org.taskwire.testing}.
 */
package org.taskwire.internal.threads;
