/**
 * Internal: applying a JCache ExpiryPolicy's rules to create, access and update times.
 */
package dev.terrace.jcache.internal.expiry;
