/**
 * Internal: the mutable entry handed to entry processors, which records what the processor did so the store
 * applies it once.
 */
package dev.terrace.jcache.internal.processor;
