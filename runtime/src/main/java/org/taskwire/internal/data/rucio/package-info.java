/**
 * Rucio, for a run whose files are registered there: its REST client and the registrar that puts
 * each call's files into the run's datasets before the call's result is handed on.
 */
package org.taskwire.internal.data.rucio;
