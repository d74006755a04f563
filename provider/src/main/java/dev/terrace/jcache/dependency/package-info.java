/**
 * Declaring that an entry depends on files: a key that implements DeclaresFiles, or a DependencyExtractor given
 * in configuration. When such a file changes, every tier in every process drops the entry and listeners hear an
 * InvalidationCause.
 */
package dev.terrace.jcache.dependency;
