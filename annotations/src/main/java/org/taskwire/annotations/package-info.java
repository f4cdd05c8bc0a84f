/** The annotations a workflow author writes: {@link org.taskwire.annotations.Workflow} and {@link org.taskwire.annotations.Work}. */
package org.taskwire.annotations;
