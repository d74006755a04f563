/**
 * Internal: the tier contract, the heap tier and the tiered store that layers near tiers over the authoritative
 * one and keeps them coherent.
 */
package dev.terrace.jcache.internal.tier;
