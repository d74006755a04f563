/**
 * Internal: file watching, fingerprints and the dependency indexes (local journal and Redis) behind file
 * dependencies.
 */
package dev.terrace.jcache.internal.dependency;
