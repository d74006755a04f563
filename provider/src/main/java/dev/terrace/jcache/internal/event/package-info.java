/**
 * Internal: the per-key ordered event dispatcher and listener registrations.
 */
package dev.terrace.jcache.internal.event;
