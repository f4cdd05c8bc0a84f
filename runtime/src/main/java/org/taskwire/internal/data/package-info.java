/**
 * Files between steps: where a run keeps them ({@link org.taskwire.internal.data.DataStore}), what
 * a call creates, returns and takes ({@link org.taskwire.internal.data.CallFiles}), names and
 * checksums.
 */
package org.taskwire.internal.data;
