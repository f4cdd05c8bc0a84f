/**
 * The {@code taskwire} command: what the runs' journals say ({@code runs}, {@code show},
 * {@code watch}, {@code logs}) and what it does to them ({@code kill}, {@code gc}). Every command
 * takes {@code --json} for scripts; a run is named by its id, a unique prefix of it, or
 * {@code last}.
 */
package org.taskwire.cli;
