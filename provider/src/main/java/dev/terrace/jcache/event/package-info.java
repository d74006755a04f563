/**
 * Event types that Terrace's listeners receive: the entry event carries, for removals that Terrace made on its
 * own (a changed file, an invalidation from another process), the InvalidationCause that says why.
 */
package dev.terrace.jcache.event;
