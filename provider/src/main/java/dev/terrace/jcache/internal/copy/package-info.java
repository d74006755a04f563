/**
 * Internal: store-by-value copies and the serialization of keys and values for the disk and Redis tiers, with
 * the allow-list filter applied on every read.
 */
package dev.terrace.jcache.internal.copy;
