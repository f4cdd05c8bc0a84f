/**
 * Optimisation studies: a typed {@link org.taskwire.optimize.SearchSpace}, {@link
 * org.taskwire.optimize.Objective}s, and optimisers with the ask/tell contract physicists know
 * from Ax's client ({@link org.taskwire.optimize.Optimizer}): ask for trials, tell each one's
 * measurements, or that it failed or was abandoned, and save and load the whole state.
 */
package org.taskwire.optimize;
