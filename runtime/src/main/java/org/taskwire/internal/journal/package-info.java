/**
 * The run journal: an append-only file of JSON lines per run, in
 * {@code ~/.taskwire/runs/<run id>/journal.jsonl}, that records what a run declared, submitted and
 * got back, so that a killed client can resume it and the {@code taskwire} command can show it.
 *
 * <p>Taskwire's implementation, public only so that Taskwire's own modules can reach it: no
 * compatibility promise.
 */
package org.taskwire.internal.journal;
